-- The reference pipeline of SPEC.md (assets 1-10, and 11 as an optional export), written as plain
-- DuckDB SQL the way the researchers' SQL models did it: one table per asset, named after it.
-- It is the yardstick ehrtok is measured and checked against (bench/reference/run_reference.mjs,
-- tests/js/reference_sql.test.mjs).
--
-- Inputs: one variable, the hosp/ folder, set before this file runs:
--     SET VARIABLE hosp = '/path/to/mimic-iv/hosp';
-- Each table is NAME.csv.gz, else NAME.csv (the same preference as ehrtok).
-- Outputs: the export stages at the end write to the token {{OUT}}, which the runner replaces by
-- the output folder (DuckDB's COPY ... TO takes a literal path, not an expression).
-- By hand, with the DuckDB CLI:
--     sed 's#{{OUT}}#/tmp/ref_out#g' bench/reference/pipeline.sql \
--       | duckdb -cmd "SET VARIABLE hosp = '/path/to/hosp'"
--
-- The runner splits the file at the `-- @stage NAME` lines and times each stage; stages named
-- export_* are written only when their format is asked for.
--
-- Conventions that hold everywhere below:
--  * "File order" is `file_row`, a row_number() OVER () taken at the scan. With
--    preserve_insertion_order (DuckDB's default, set explicitly below) it numbers rows in the
--    order of the file, for any thread count (checked on a 2M-row file, plain and gzip, 4 threads).
--  * ORDER BY puts NULLs last (DuckDB's default, spelled out where a NULL can occur).
--  * Strings compare byte-wise (DuckDB's default binary collation).

-- @stage settings
SET preserve_insertion_order = true;
SET default_null_order = 'nulls_last';
SET VARIABLE admissions_file = coalesce(
  (SELECT file FROM glob(getvariable('hosp') || '/admissions.csv.gz')),
  (SELECT file FROM glob(getvariable('hosp') || '/admissions.csv')));
SET VARIABLE diagnoses_icd_file = coalesce(
  (SELECT file FROM glob(getvariable('hosp') || '/diagnoses_icd.csv.gz')),
  (SELECT file FROM glob(getvariable('hosp') || '/diagnoses_icd.csv')));
SET VARIABLE procedures_icd_file = coalesce(
  (SELECT file FROM glob(getvariable('hosp') || '/procedures_icd.csv.gz')),
  (SELECT file FROM glob(getvariable('hosp') || '/procedures_icd.csv')));
SET VARIABLE prescriptions_file = coalesce(
  (SELECT file FROM glob(getvariable('hosp') || '/prescriptions.csv.gz')),
  (SELECT file FROM glob(getvariable('hosp') || '/prescriptions.csv')));
SET VARIABLE labevents_file = coalesce(
  (SELECT file FROM glob(getvariable('hosp') || '/labevents.csv.gz')),
  (SELECT file FROM glob(getvariable('hosp') || '/labevents.csv')));

-- =============================================================================================
-- 1. raw_*: the imported tables. RFC 4180 dialect fixed (no sniffing of delimiter or quotes);
-- columns found by header name; every column read as text except the used ones, typed
-- explicitly; an empty field (quoted or not) is NULL; rows with the wrong field count or a value
-- that does not parse are skipped (ignore_errors), as the reference did.
-- =============================================================================================

-- @stage raw_admissions
CREATE OR REPLACE TABLE raw_admissions AS
SELECT row_number() OVER () AS file_row, subject_id, hadm_id, admittime, dischtime
FROM read_csv(getvariable('admissions_file'), header = true, delim = ',', quote = '"',
              escape = '"', all_varchar = true, ignore_errors = true,
              types = {'subject_id': 'BIGINT', 'hadm_id': 'BIGINT',
                       'admittime': 'TIMESTAMP', 'dischtime': 'TIMESTAMP'});

-- @stage raw_diagnoses_icd
CREATE OR REPLACE TABLE raw_diagnoses_icd AS
SELECT row_number() OVER () AS file_row, subject_id, hadm_id, seq_num, icd_code, icd_version
FROM read_csv(getvariable('diagnoses_icd_file'), header = true, delim = ',', quote = '"',
              escape = '"', all_varchar = true, ignore_errors = true,
              types = {'subject_id': 'BIGINT', 'hadm_id': 'BIGINT', 'seq_num': 'BIGINT',
                       'icd_code': 'VARCHAR', 'icd_version': 'BIGINT'});

-- @stage raw_procedures_icd
CREATE OR REPLACE TABLE raw_procedures_icd AS
SELECT row_number() OVER () AS file_row, subject_id, hadm_id, seq_num, chartdate, icd_code,
       icd_version
FROM read_csv(getvariable('procedures_icd_file'), header = true, delim = ',', quote = '"',
              escape = '"', all_varchar = true, ignore_errors = true,
              types = {'subject_id': 'BIGINT', 'hadm_id': 'BIGINT', 'seq_num': 'BIGINT',
                       'chartdate': 'DATE', 'icd_code': 'VARCHAR', 'icd_version': 'BIGINT'});

-- @stage raw_prescriptions
CREATE OR REPLACE TABLE raw_prescriptions AS
SELECT row_number() OVER () AS file_row, subject_id, hadm_id, drug, starttime
FROM read_csv(getvariable('prescriptions_file'), header = true, delim = ',', quote = '"',
              escape = '"', all_varchar = true, ignore_errors = true,
              types = {'subject_id': 'BIGINT', 'hadm_id': 'BIGINT', 'drug': 'VARCHAR',
                       'starttime': 'TIMESTAMP'});

-- @stage raw_labevents
CREATE OR REPLACE TABLE raw_labevents AS
SELECT row_number() OVER () AS file_row, labevent_id, subject_id, hadm_id, itemid, charttime,
       valuenum
FROM read_csv(getvariable('labevents_file'), header = true, delim = ',', quote = '"',
              escape = '"', all_varchar = true, ignore_errors = true,
              types = {'labevent_id': 'BIGINT', 'subject_id': 'BIGINT', 'hadm_id': 'BIGINT',
                       'itemid': 'BIGINT', 'charttime': 'TIMESTAMP', 'valuenum': 'DOUBLE'});

-- =============================================================================================
-- 2. top_200_labs(itemid, freq, pct)
-- =============================================================================================

-- @stage top_200_labs
CREATE OR REPLACE TABLE top_200_labs AS
WITH admitted_labs AS (
  -- only labevents rows with a hadm_id count, for freq and for the pct denominator
  SELECT itemid FROM raw_labevents WHERE hadm_id IS NOT NULL
)
SELECT itemid,
       count(*) AS freq,
       -- pct = freq * 100 / (rows with hadm_id), in double: the pcts sum to the top-200 coverage
       (count(*) * 100)::DOUBLE / (SELECT count(*) FROM admitted_labs)::DOUBLE AS pct
FROM admitted_labs
GROUP BY itemid
-- the 200 largest counts; ties: smaller itemid first
ORDER BY freq DESC, itemid ASC
LIMIT 200;

-- =============================================================================================
-- 3. lab_quantiles(itemid, q1..q9)
-- =============================================================================================

-- @stage lab_quantiles
CREATE OR REPLACE TABLE lab_quantiles AS
WITH cuts AS (
  -- over ALL labevents rows of a top item (hadm_id NULL or not) with a value; DuckDB's
  -- quantile_cont: h = (n-1)*q, lo + (hi-lo)*(h - floor(h)). No valuenum at all -> no row
  -- (the WHERE leaves no group). The reference's optional 10% sample is not used (SPEC default).
  SELECT l.itemid,
         quantile_cont(l.valuenum, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) AS q
  FROM raw_labevents AS l
  WHERE l.itemid IN (SELECT itemid FROM top_200_labs)
    AND l.valuenum IS NOT NULL
  GROUP BY l.itemid
)
SELECT itemid, q[1] AS q1, q[2] AS q2, q[3] AS q3, q[4] AS q4, q[5] AS q5, q[6] AS q6,
       q[7] AS q7, q[8] AS q8, q[9] AS q9
FROM cuts
ORDER BY itemid;

-- =============================================================================================
-- 4. stg_admissions(subject_id, hadm_id, admittime, dischtime, visit_seq,
--                   days_since_prior_admission)
-- =============================================================================================

-- @stage stg_admissions
CREATE OR REPLACE TABLE stg_admissions AS
SELECT subject_id, hadm_id, admittime, dischtime,
       -- 1, 2, ... per subject in order of (admittime, hadm_id)
       row_number() OVER by_visit AS visit_seq,
       -- calendar date minus the previous admission's calendar date, whole days; NULL first
       admittime::DATE - lag(admittime::DATE) OVER by_visit AS days_since_prior_admission
FROM raw_admissions
WHERE hadm_id IS NOT NULL
WINDOW by_visit AS (PARTITION BY subject_id ORDER BY admittime NULLS LAST, hadm_id)
ORDER BY subject_id, visit_seq;

-- =============================================================================================
-- 5-8. The event stages, all of shape (subject_id, hadm_id, code, code_type, event_time, seq_num)
-- =============================================================================================

-- @stage stg_diagnoses
CREATE OR REPLACE TABLE stg_diagnoses AS
SELECT subject_id, hadm_id,
       'DX:' || icd_code AS code,
       'diagnosis' AS code_type,
       NULL::TIMESTAMP AS event_time,  -- diagnoses have no time
       seq_num                          -- from the file
FROM raw_diagnoses_icd
WHERE icd_code IS NOT NULL;              -- hadm_id NULL rows are dropped by events_merged's join

-- @stage stg_procedures
CREATE OR REPLACE TABLE stg_procedures AS
SELECT subject_id, hadm_id,
       'PR:' || icd_code AS code,
       'procedure' AS code_type,
       chartdate::TIMESTAMP AS event_time,  -- chartdate at 00:00:00
       seq_num                              -- from the file
FROM raw_procedures_icd
WHERE icd_code IS NOT NULL AND hadm_id IS NOT NULL;

-- @stage stg_medications
CREATE OR REPLACE TABLE stg_medications AS
SELECT subject_id, hadm_id,
       'MED:' || drug AS code,  -- the drug text exactly as in the file; no de-duplication
       'medication' AS code_type,
       starttime AS event_time,
       -- 1, 2, ... per (subject_id, hadm_id) in order of (starttime NULLs last, file order)
       row_number() OVER (PARTITION BY subject_id, hadm_id
                          ORDER BY starttime NULLS LAST, file_row) AS seq_num
FROM raw_prescriptions
WHERE drug IS NOT NULL AND hadm_id IS NOT NULL;

-- @stage stg_labs
CREATE OR REPLACE TABLE stg_labs AS
WITH top_labs AS (
  -- only items of top_200_labs
  SELECT l.* FROM raw_labevents AS l
  WHERE l.itemid IN (SELECT itemid FROM top_200_labs)
),
original AS (
  -- original: the row has a hadm_id
  SELECT file_row, subject_id, hadm_id, itemid, charttime, valuenum
  FROM top_labs WHERE hadm_id IS NOT NULL
),
reclaim_candidates AS (
  -- reclaimed: hadm_id NULL and an admission of the same subject with
  -- admittime - 24h <= charttime <= admittime (calendar arithmetic on TIMESTAMP)
  SELECT l.file_row, l.subject_id, a.hadm_id, l.itemid, l.charttime, l.valuenum,
         -- each reclaimed row is used once: the admission with the smallest admittime - charttime,
         -- ties: earlier admittime, then smaller hadm_id
         row_number() OVER (PARTITION BY l.file_row
                            ORDER BY epoch_us(a.admittime) - epoch_us(l.charttime), a.admittime,
                                     a.hadm_id) AS pick
  FROM top_labs AS l
  JOIN stg_admissions AS a
    ON a.subject_id = l.subject_id
   AND l.charttime BETWEEN a.admittime - INTERVAL 24 HOUR AND a.admittime
  WHERE l.hadm_id IS NULL
),
reclaimed AS (
  SELECT file_row, subject_id, hadm_id, itemid, charttime, valuenum
  FROM reclaim_candidates WHERE pick = 1
),
labs AS (
  SELECT * FROM original
  UNION ALL
  SELECT * FROM reclaimed
)
SELECT l.subject_id, l.hadm_id,
       -- LAB:<itemid>_NULL for no value, else the first quantile bin whose cut is >= the value;
       -- _Q10 above q9, and for an item without a lab_quantiles row (its cuts are NULL here)
       'LAB:' || l.itemid || CASE
         WHEN l.valuenum IS NULL THEN '_NULL'
         WHEN l.valuenum <= q.q1 THEN '_Q1'
         WHEN l.valuenum <= q.q2 THEN '_Q2'
         WHEN l.valuenum <= q.q3 THEN '_Q3'
         WHEN l.valuenum <= q.q4 THEN '_Q4'
         WHEN l.valuenum <= q.q5 THEN '_Q5'
         WHEN l.valuenum <= q.q6 THEN '_Q6'
         WHEN l.valuenum <= q.q7 THEN '_Q7'
         WHEN l.valuenum <= q.q8 THEN '_Q8'
         WHEN l.valuenum <= q.q9 THEN '_Q9'
         ELSE '_Q10'
       END AS code,
       'lab' AS code_type,
       l.charttime AS event_time,
       -- 1, 2, ... per (subject_id, hadm_id) in order of (charttime, file order)
       row_number() OVER (PARTITION BY l.subject_id, l.hadm_id
                          ORDER BY l.charttime NULLS LAST, l.file_row) AS seq_num
FROM labs AS l
LEFT JOIN lab_quantiles AS q ON q.itemid = l.itemid;

-- =============================================================================================
-- 9. events_merged(subject_id, hadm_id, admittime, visit_seq, days_since_prior_admission, code,
--                  code_type, event_time, time_offset_hours, event_seq)
-- =============================================================================================

-- @stage events_merged
CREATE OR REPLACE TABLE events_merged AS
WITH stages AS (
  SELECT * FROM stg_diagnoses
  UNION ALL SELECT * FROM stg_procedures
  UNION ALL SELECT * FROM stg_medications
  UNION ALL SELECT * FROM stg_labs
),
joined AS (
  -- inner join on hadm_id: events whose hadm_id is not an admission are dropped; subject_id,
  -- admittime, visit_seq, days_since_prior_admission come from the admission
  SELECT a.subject_id, a.hadm_id, a.admittime, a.visit_seq, a.days_since_prior_admission,
         e.code, e.code_type, e.event_time, e.seq_num,
         -- -0.001 for no time, else (event_time - admittime in seconds) / 3600.0. Microseconds
         -- over 3.6e9 is the same correctly rounded quotient as whole seconds over 3600.
         CASE WHEN e.event_time IS NULL THEN -0.001::DOUBLE
              ELSE (epoch_us(e.event_time) - epoch_us(a.admittime))::DOUBLE / 3600e6
         END AS time_offset_hours
  FROM stages AS e
  JOIN stg_admissions AS a ON a.hadm_id = e.hadm_id
)
SELECT subject_id, hadm_id, admittime, visit_seq, days_since_prior_admission, code, code_type,
       event_time, time_offset_hours,
       -- 1, 2, ... per admission in order of (time_offset_hours, seq_num, code); rows still tied
       -- are equal in every column, so their order cannot show
       row_number() OVER (PARTITION BY subject_id, hadm_id
                          ORDER BY time_offset_hours, seq_num NULLS LAST, code) AS event_seq
FROM joined
ORDER BY subject_id, visit_seq, event_seq;

-- =============================================================================================
-- 10. tokens_final: events_merged plus TIME_BIN tokens, final_seq in place of event_seq
-- =============================================================================================

-- @stage tokens_final
CREATE OR REPLACE TABLE tokens_final AS
WITH binned AS (
  SELECT *,
         CASE WHEN time_offset_hours < 0 THEN 'TIME_PRE'
              WHEN time_offset_hours < 1 THEN 'TIME_0-1H'
              WHEN time_offset_hours < 6 THEN 'TIME_1-6H'
              WHEN time_offset_hours < 24 THEN 'TIME_6-24H'
              WHEN time_offset_hours < 72 THEN 'TIME_1-3D'
              WHEN time_offset_hours < 168 THEN 'TIME_3-7D'
              ELSE 'TIME_7D+'
         END AS time_bin
  FROM events_merged
),
bin_changes AS (
  -- a bin token goes before the first event of an admission and before every event whose bin
  -- differs from the previous event's
  SELECT *,
         lag(time_bin) OVER (PARTITION BY subject_id, hadm_id ORDER BY event_seq)
           IS DISTINCT FROM time_bin AS starts_bin
  FROM binned
),
token_rows AS (
  -- the token carries its event's admission columns, event_time and time_offset_hours;
  -- slot 0 puts it just before its event
  SELECT subject_id, hadm_id, admittime, visit_seq, days_since_prior_admission,
         time_bin AS code, 'time_bin' AS code_type, event_time, time_offset_hours,
         event_seq, 0 AS slot
  FROM bin_changes WHERE starts_bin
  UNION ALL
  SELECT subject_id, hadm_id, admittime, visit_seq, days_since_prior_admission,
         code, code_type, event_time, time_offset_hours,
         event_seq, 1 AS slot
  FROM bin_changes
)
SELECT subject_id, hadm_id, admittime, visit_seq, days_since_prior_admission, code, code_type,
       event_time, time_offset_hours,
       -- 1, 2, ... per admission over the result
       row_number() OVER (PARTITION BY subject_id, hadm_id ORDER BY event_seq, slot) AS final_seq
FROM token_rows
ORDER BY subject_id, visit_seq, final_seq;

-- =============================================================================================
-- Exports. CSV in the golden format (header, NULL as an empty field, timestamps
-- YYYY-MM-DD HH:MM:SS, doubles in DuckDB's shortest round-trip form), Parquet with the column
-- types of SPEC.md, and 11. export_tokens, the reference's Hive layout (one folder per subject,
-- subject_id also kept inside each file). Rows in each asset's order.
-- =============================================================================================

-- @stage export_csv
COPY (SELECT * FROM top_200_labs ORDER BY freq DESC, itemid)
  TO '{{OUT}}/top_200_labs.csv' (FORMAT csv, HEADER true);
COPY (SELECT * FROM lab_quantiles ORDER BY itemid)
  TO '{{OUT}}/lab_quantiles.csv' (FORMAT csv, HEADER true);
COPY (SELECT * FROM stg_admissions ORDER BY subject_id, visit_seq)
  TO '{{OUT}}/stg_admissions.csv' (FORMAT csv, HEADER true);
COPY (SELECT * FROM events_merged ORDER BY subject_id, visit_seq, event_seq)
  TO '{{OUT}}/events_merged.csv' (FORMAT csv, HEADER true);
COPY (SELECT * FROM tokens_final ORDER BY subject_id, visit_seq, final_seq)
  TO '{{OUT}}/tokens_final.csv' (FORMAT csv, HEADER true);

-- @stage export_parquet
COPY (SELECT * FROM top_200_labs ORDER BY freq DESC, itemid)
  TO '{{OUT}}/top_200_labs.parquet' (FORMAT parquet);
COPY (SELECT * FROM lab_quantiles ORDER BY itemid)
  TO '{{OUT}}/lab_quantiles.parquet' (FORMAT parquet);
COPY (SELECT * FROM stg_admissions ORDER BY subject_id, visit_seq)
  TO '{{OUT}}/stg_admissions.parquet' (FORMAT parquet);
COPY (SELECT * FROM events_merged ORDER BY subject_id, visit_seq, event_seq)
  TO '{{OUT}}/events_merged.parquet' (FORMAT parquet);
COPY (SELECT * FROM tokens_final ORDER BY subject_id, visit_seq, final_seq)
  TO '{{OUT}}/tokens_final.parquet' (FORMAT parquet);

-- @stage export_hive
COPY (SELECT * FROM tokens_final ORDER BY subject_id, visit_seq, final_seq)
  TO '{{OUT}}/mimic4_tokens.parquet'
  (FORMAT parquet, PARTITION_BY (subject_id), WRITE_PARTITION_COLUMNS true,
   FILENAME_PATTERN 'data_{i}', OVERWRITE_OR_IGNORE true);
