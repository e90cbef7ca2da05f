// ehrtok against the reference SQL (bench/reference/pipeline.sql on DuckDB) on a tiny synthetic
// hosp/ folder full of ties and edge cases. First the reference itself is checked against
// hand-worked expectations; then `ehrtok run` must write, for each of the five assets, the same
// column types and the same rows in the same order as the reference.
//   node tests/js/reference_sql.test.mjs <ehrtok-binary>      (from the repository root)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { ASSETS, compareRows, runReference, sqlString, textRows } from '../../bench/reference/run_reference.mjs';
import { anyFailed, check, finish } from './tally.mjs';

const binary = process.argv[2] ?? 'build/ehrtok';


// ---------------------------------------------------------------------------------------------
// The synthetic hosp/ folder. Rows are arrays (null = empty field, quoted only when needed);
// raw(text) is a line written as is, for rows that must be rejected.
// ---------------------------------------------------------------------------------------------
const raw = (text) => ({ raw: text });
function csvField(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}
function writeTable(dir, file, header, rows, eol = '\n') {
  const text = [header.join(','), ...rows.map((r) => (r.raw !== undefined ? r.raw : r.map(csvField).join(',')))]
    .join(eol) + eol;
  const full = path.join(dir, file);
  fs.writeFileSync(full, file.endsWith('.gz') ? zlib.gzipSync(Buffer.from(text, 'utf8')) : text);
}

// Subjects and admissions.
//  S1 = 100: leap year 2104. H1001 2104-02-28 23:00, H1002 2104-03-01 01:00 (2 calendar days
//     later, across Feb 29), H1000 and H1003 both 2104-03-05 12:00 (equal admittime: smaller
//     hadm_id first, 0 days apart).
//  S2 = 200: non-leap 2100. H2001 2100-02-28 22:00, H2002 2100-03-01 00:30 (1 day later).
//  S3 = 300: H3001 2150-06-15 08:00, events exactly on every time-bin edge.
//  S4 = 400: H4001 without any event. S5 = 500: H5001 with diagnoses only (all times NULL).
const H = { s1a: 1001, s1b: 1002, s1c: 1000, s1d: 1003, s2a: 2001, s2b: 2002, s3: 3001, s4: 4001, s5: 5001 };
const admissionsHeader = ['subject_id', 'hadm_id', 'admittime', 'dischtime', 'admission_type',
  'admission_location', 'hospital_expire_flag'];
const admissions = [
  [100, H.s1d, '2104-03-05 12:00:00', '2104-03-09 10:00:00', 'URGENT', 'TRANSFER FROM HOSPITAL, "ER"', 0],
  [200, H.s2b, '2100-03-01 00:30:00', '2100-03-03 00:30:00', 'EW EMER.', 'EMERGENCY ROOM', 0],
  [100, H.s1a, '2104-02-28 23:00:00', '2104-03-01 00:10:00', 'ELECTIVE', 'PHYSICIAN\nREFERRAL', 0],
  [300, H.s3, '2150-06-15 08:00:00', '2150-06-30 08:00:00', 'URGENT', 'WALK-IN', 1],
  [100, H.s1c, '2104-03-05 12:00:00', '2104-03-06 10:00:00', 'URGENT', 'CLINIC', 0],
  [100, H.s1b, '2104-03-01 01:00:00', '2104-03-02 01:00:00', 'URGENT', 'CLINIC', 0],
  [200, H.s2a, '2100-02-28 22:00:00', '2100-03-01 00:00:00', 'URGENT', 'CLINIC', 0],
  [400, H.s4, '2120-01-01 00:00:00', null, 'URGENT', 'CLINIC', 0],
  [500, H.s5, '2130-12-31 23:59:59', '2131-01-01 05:00:00', 'URGENT', 'CLINIC', 0],
  [300, null, '2150-01-01 00:00:00', '2150-01-02 00:00:00', 'URGENT', 'NO HADM', 0], // hadm_id NULL: not an admission
  raw('abc,9001,2150-01-01 00:00:00,2150-01-02 00:00:00,URGENT,CLINIC,0'),     // id does not parse
  raw('300,9002,2100-02-29 10:00:00,2100-03-01 00:00:00,URGENT,CLINIC,0'),     // 2100 is not a leap year
  raw('300,9003,2150-01-01 00:00:00'),                                          // too few fields
  raw('300,9004,2150-01-01 00:00:00,2150-01-02 00:00:00,URGENT,CLINIC,0,extra'), // too many fields
];

// Diagnoses: equal seq_nums (code decides), a NULL seq_num (sorts last), NULL icd_code (dropped),
// NULL or unknown hadm_id (dropped by the join), a code with a comma and a quote.
const diagnosesHeader = ['subject_id', 'hadm_id', 'seq_num', 'icd_code', 'icd_version'];
const diagnoses = [
  [100, H.s1a, 2, 'I10', 10],
  [100, H.s1a, 1, 'Z99', 10],
  [100, H.s1a, 1, 'A01', 10],
  [100, H.s1a, null, 'NULLSEQ', 10],
  [100, H.s1a, 3, null, 10],
  [100, null, 1, 'NOHADM', 10],
  [100, 999999, 1, 'UNKNOWNHADM', 10],
  [500, H.s5, 2, 'V7,0"x', 9],
  [500, H.s5, 1, '4019', 9],
  [500, H.s5, 1, '4019', 9], // an exact duplicate stays
  [200, H.s2b, 1, 'E119', 10],
  raw('200,2002,one,E119,10'), // seq_num does not parse
];

// Procedures (plain .csv with CRLF line ends): a leap-day chartdate, a NULL chartdate that ties
// (offset -0.001, seq_num 1) with a diagnosis, NULL hadm_id, a non-existent date.
const proceduresHeader = ['subject_id', 'hadm_id', 'seq_num', 'chartdate', 'icd_code', 'icd_version'];
const procedures = [
  [100, H.s1a, 1, '2104-02-29', '0DTJ4ZZ', 10],
  [100, H.s1a, 1, null, '3E0G76Z', 10],
  [100, H.s1a, 2, '2104-02-29', '02HV33Z', 10],
  [200, H.s2a, 2, '2100-02-28', '3961', 9],
  [200, H.s2a, 1, '2100-03-01', '3995', 9],
  [200, null, 1, '2100-03-01', 'NOHADM', 9],
  [200, H.s2a, 3, '2100-03-01', null, 9],
  raw('200,2001,4,2100-02-29,3962,9'), // 2100-02-29 does not exist
];

// Prescriptions (.csv.gz): drug texts with commas, quotes, a line break, surrounding spaces and
// non-ASCII; equal starttimes (file order decides), NULL starttimes (last, in file order), an
// exact duplicate, NULL and quoted-empty drugs (dropped), NULL hadm_id (dropped).
const prescriptionsHeader = ['subject_id', 'hadm_id', 'pharmacy_id', 'starttime', 'stoptime',
  'drug_type', 'drug', 'route'];
const prescriptions = [
  [100, H.s1a, 1, null, null, 'MAIN', 'Zinc, "Sulfate" 220mg', 'PO'],
  [100, H.s1a, 2, '2104-02-29 08:00:00', null, 'MAIN', 'Sodium Chloride 0.9%  Flush', 'IV'],
  [100, H.s1a, 3, '2104-02-29 08:00:00', null, 'MAIN', 'Heparin', 'SC'],
  [100, H.s1a, 4, '2104-02-29 08:00:00', null, 'MAIN', 'Heparin', 'SC'],
  [100, H.s1a, 5, null, null, 'MAIN', 'Acetaminophen', 'PO'],
  [100, H.s1a, 6, '2104-02-28 20:00:00', null, 'MAIN', '  Insulin ', 'SC'],
  [100, H.s1a, 7, '2104-03-01 00:00:00', null, 'MAIN', 'two\nlines', 'PO'],
  [100, H.s1a, 8, '2104-03-01 00:00:00', null, 'MAIN', 'Ácido fólico', 'PO'],
  [100, H.s1a, 9, '2104-03-01 00:00:00', null, 'MAIN', null, 'PO'],
  raw('100,1001,10,2104-03-01 00:00:00,,MAIN,"",PO'),
  [100, null, 11, '2104-03-01 00:00:00', null, 'MAIN', 'NoHadm', 'PO'],
  [200, H.s2b, 12, '2100-03-01 00:30:00', '2100-03-02 00:30:00', 'MAIN', 'Furosemide', 'IV'],
  [200, H.s2b, 13, '2100-02-28 23:30:00', null, 'MAIN', 'Aspirin', 'PO'],
  raw('200,2002,14,2100-02-29 00:30:00,,MAIN,Bad Date,PO'), // 2100-02-29 does not exist
];

// Labs. Columns in another order than MIMIC's, with unused quoted columns.
const labHeader = ['specimen_id', 'itemid', 'labevent_id', 'charttime', 'subject_id', 'comments',
  'valuenum', 'hadm_id', 'value'];
const labs = [];
let labId = 1;
function lab(subject, hadm, itemid, charttime, valuenum, comment = '') {
  labs.push([labId * 10, itemid, labId, charttime, subject, comment, valuenum, hadm,
    valuenum === null ? '___' : String(valuenum)]);
  labId++;
}
// Item 50001: values 0..10 on H3001, so the cuts are exactly 1..9 and values sit on cuts
// (<= puts a value equal to a cut in the lower bin). Times on every time-bin edge of H3001.
const s3Times = ['2150-06-15 07:59:59', '2150-06-15 08:00:00', '2150-06-15 08:59:59',
  '2150-06-15 09:00:00', '2150-06-15 14:00:00', '2150-06-16 08:00:00', '2150-06-18 08:00:00',
  '2150-06-22 08:00:00', '2150-06-22 07:59:59', '2150-06-29 08:00:00', '2150-06-15 08:00:00'];
for (let v = 0; v <= 10; v++) lab(300, H.s3, 50001, s3Times[v], v, v === 3 ? 'has, comma' : '');
lab(300, H.s3, 50001, '2150-06-15 08:00:00', null); // NULL valuenum: _NULL
// Item 50007, on H3001 too.
lab(300, H.s3, 50007, null, 5);                     // NULL charttime: event_time NULL, seq_num last
lab(999, H.s3, 50007, '2150-06-15 10:00:00', 7);    // subject differs: the admission's wins
lab(300, 777777, 50007, '2150-06-15 10:00:00', 7);  // no such admission: dropped by the join
// Item 50002: [0.1, 0.1]: DuckDB interpolates lo*(1-d) + hi*d, which is not 0.1 for every d:
// q2 = 0.10000000000000002 > q3 = 0.09999999999999999, so the cuts are not sorted, and the first
// cut >= the value decides (_Q1 here; a binary search over the cuts gives _Q4).
lab(200, H.s2a, 50002, '2100-03-01 21:59:59', 0.1);
lab(200, H.s2a, 50002, '2100-03-01 22:00:00', 0.1); // 24 h after admittime in a non-leap year
// Item 50003: [0, 7.7, 7.7, 100]. DuckDB's q4 = 7.7*(1-d) + 7.7*d is one ulp below 7.7, so a
// value 7.7 is _Q5; lo + (hi - lo)*d (SPEC.md's wording) would give exactly 7.7 and _Q4.
for (const [t, v] of [['2104-03-01 23:00:00', 7.7], ['2104-03-01 23:00:00', 0],
  ['2104-03-01 23:00:00', 100], ['2104-03-01 22:59:59', 7.7]])
  lab(100, H.s1a, 50003, t, v); // 2104-03-01 23:00 is 48 h after admittime, across Feb 29
// Item 50004: never a value: no lab_quantiles row, every code _NULL.
for (let k = 0; k < 3; k++) lab(500, H.s5, 50004, '2131-01-01 00:00:00', null);
// Item 50005: negative and large values, and rows without hadm_id that are never reclaimed but
// still count for the quantiles (not for freq).
for (const v of [-5.5, -1e-3, 1e300, 42]) lab(200, H.s2b, 50005, '2100-03-01 01:00:00', v);
for (const v of [-100, -99, 1e-300, 3.25, 3.25]) lab(400, null, 50005, '2119-01-01 00:00:00', v); // a year before H4001
// Item 50006: only two rows with hadm_id, many without (they do not count for freq).
lab(100, H.s1b, 50006, '2104-03-01 02:00:00', 1);
lab(100, H.s1b, 50006, '2104-03-01 02:00:00', 2);
// Reclaim of rows without hadm_id (item 50006): admittime - 24h <= charttime <= admittime.
lab(200, null, 50006, '2100-02-28 00:30:00', 3);  // H2002 - 24h exactly and H2001 - 21.5h: H2001 (closer)
lab(200, null, 50006, '2100-03-01 00:30:00', 4);  // exactly H2002's admittime: H2002
lab(200, null, 50006, '2100-02-27 21:59:59', 5);  // 1s before H2001 - 24h: dropped
lab(100, null, 50006, '2104-02-29 01:00:00', 6);  // H1002 - 24h exactly, across Feb 29: H1002
lab(100, null, 50006, '2104-02-29 00:59:59', 7);  // 1s too early for H1002, after H1001: dropped
lab(100, null, 50006, '2104-03-05 11:00:00', 8);  // H1000 and H1003 tie (same admittime): H1000
lab(100, null, 50006, '2104-03-05 11:00:00', 9);  // each reclaimed row is used once
lab(100, null, 50006, '2104-03-05 12:00:01', 10); // 1s after admittime: dropped
lab(100, null, 50006, null, 11);                  // no charttime: dropped
lab(600, null, 50006, '2104-03-05 11:00:00', 12); // subject without admissions: dropped
lab(100, null, 70000, '2104-03-05 11:00:00', 13); // item not in top_200_labs: dropped
lab(100, null, 50006, '2104-02-28 23:00:00', null); // exactly H1001's admittime, NULL value
// Filler items 60000..60204, one row each with hadm_id: the 200th place falls inside this tie
// of freq 1, so the smaller itemids are kept (60000..60192 with the seven items above).
for (let i = 0; i < 205; i++) lab(500, H.s5, 60000 + i, '2131-01-01 03:00:00', i % 7);
lab(500, H.s5, 70000, '2131-01-01 03:00:00', 1); // freq 1 and the largest itemid: not kept
// Rows that must be rejected.
const rejectedLabs = [
  raw('1,50001,900001,2150-06-15 08:00:00,300,,abc,3001,abc'),                  // valuenum
  raw('1,50001,900002,2104-13-01 00:00:00,300,,1,3001,1'),                       // month 13
  raw('1,50001,900003,2150-06-15 08:00:00,300,,1,3001,1,extra'),                 // field count
  raw('1,x50001,900004,2150-06-15 08:00:00,300,,1,3001,1'),                      // itemid
];

function makeHosp(dir) {
  fs.mkdirSync(dir, { recursive: true });
  writeTable(dir, 'admissions.csv.gz', admissionsHeader, admissions);
  writeTable(dir, 'diagnoses_icd.csv', diagnosesHeader, diagnoses);
  writeTable(dir, 'procedures_icd.csv', proceduresHeader, procedures, '\r\n');
  writeTable(dir, 'prescriptions.csv.gz', prescriptionsHeader, prescriptions);
  writeTable(dir, 'labevents.csv.gz', labHeader, [...labs.slice(0, 20), ...rejectedLabs, ...labs.slice(20)]);
}

// ---------------------------------------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ehrtok-refsql-'));
const hosp = path.join(tmp, 'hosp');
const out = path.join(tmp, 'out');
makeHosp(hosp);

const db = await (await DuckDBInstance.create(':memory:')).connect();
const all = async (sql) => (await db.runAndReadAll(sql)).getRowsJS();
const one = async (sql) => (await all(sql))[0]?.[0] ?? null;
const num = (v) => (typeof v === 'bigint' ? Number(v) : v);

await runReference(db, { hosp, threads: 2 });

// 1. The reference itself, against expectations worked out by hand.
const rawCounts = {
  raw_admissions: admissions.length - 4, raw_diagnoses_icd: diagnoses.length - 1,
  raw_procedures_icd: procedures.length - 1, raw_prescriptions: prescriptions.length - 1,
  raw_labevents: labs.length,
};
for (const [table, n] of Object.entries(rawCounts))
  check(`reference ${table} skips the bad rows`, num(await one(`SELECT count(*) FROM ${table}`)) === n,
    `${await one(`SELECT count(*) FROM ${table}`)} != ${n}`);

const visits = (await db.runAndReadAll(`SELECT hadm_id, visit_seq, days_since_prior_admission
  FROM stg_admissions WHERE subject_id IN (100, 200) ORDER BY subject_id, visit_seq`)).getRowsJson();
check('reference visit_seq and days (leap day, equal admittime)', JSON.stringify(visits) === JSON.stringify([
  ['1001', '1', null], ['1002', '2', '2'], ['1000', '3', '4'], ['1003', '4', '0'],
  ['2001', '1', null], ['2002', '2', '1']]), JSON.stringify(visits));

const top = (await all(`SELECT itemid FROM top_200_labs`)).map((r) => num(r[0]));
check('reference top_200_labs keeps 200, smaller itemids on the tie', top.length === 200 &&
  top.includes(60192) && !top.includes(60193) && !top.includes(70000) && top[0] === 50001,
  `${top.length} ${top.slice(0, 8)}`);
const withHadm = labs.filter((r) => r[7] !== null).length;
check('reference pct = freq * 100 / rows with hadm_id', num(await one(`SELECT pct FROM top_200_labs
  WHERE itemid = 50001`)) === 12 * 100 / withHadm);
const q50001 = (await all(`SELECT [q1, q2, q3, q4, q5, q6, q7, q8, q9] FROM lab_quantiles WHERE itemid = 50001`))[0]?.[0];
check('reference quantiles of 0..10 are 1..9', JSON.stringify(q50001) === '[1,2,3,4,5,6,7,8,9]', JSON.stringify(q50001));
check('reference item without values has no lab_quantiles row',
  num(await one(`SELECT count(*) FROM lab_quantiles WHERE itemid = 50004`)) === 0);
check('reference lab_quantiles counts rows without hadm_id',
  num(await one(`SELECT q1 FROM lab_quantiles WHERE itemid = 50005`)) < -5.5);
const codes77 = (await all(`SELECT code FROM stg_labs WHERE code LIKE 'LAB:50003_%' ORDER BY seq_num`))
  .map((r) => r[0]);
const codes50002 = (await all(`SELECT code FROM stg_labs WHERE code LIKE 'LAB:50002_%'`)).map((r) => r[0]);
check('reference unsorted cuts: the first cut >= the value', JSON.stringify(codes50002) ===
  JSON.stringify(['LAB:50002_Q1', 'LAB:50002_Q1']), JSON.stringify(codes50002));
check('reference quantile cut one ulp below a value (DuckDB interpolation)', JSON.stringify(codes77) ===
  JSON.stringify(['LAB:50003_Q5', 'LAB:50003_Q5', 'LAB:50003_Q1', 'LAB:50003_Q10']), JSON.stringify(codes77));

const reclaimed = Object.fromEntries((await all(`SELECT l.charttime::VARCHAR || '/' || l.valuenum, s.hadm_id
  FROM raw_labevents l LEFT JOIN (SELECT * FROM stg_labs) s
    ON s.subject_id = l.subject_id AND s.event_time IS NOT DISTINCT FROM l.charttime
   AND s.code LIKE 'LAB:50006_%' AND s.hadm_id <> 1002
  WHERE l.hadm_id IS NULL AND l.itemid = 50006 AND l.subject_id IN (100, 200)`)).map((r) => [r[0], num(r[1])]));
const reclaimExpect = {
  '2100-02-28 00:30:00/3.0': 2001, '2100-03-01 00:30:00/4.0': 2002, '2100-02-27 21:59:59/5.0': null,
  '2104-03-05 11:00:00/8.0': 1000, '2104-03-05 11:00:00/9.0': 1000, '2104-03-05 12:00:01/10.0': null,
};
for (const [k, want] of Object.entries(reclaimExpect))
  check(`reference reclaim ${k}`, reclaimed[k] === want, `got ${reclaimed[k]}, want ${want}`);
check('reference reclaim at admittime - 24h across Feb 29', num(await one(`SELECT count(*) FROM stg_labs
  WHERE hadm_id = 1002 AND event_time = TIMESTAMP '2104-02-29 01:00:00'`)) === 1);
check('reference reclaim 1s too early is dropped', num(await one(`SELECT count(*) FROM stg_labs
  WHERE subject_id = 100 AND event_time = TIMESTAMP '2104-02-29 00:59:59'`)) === 0);

const codes50001 = (await all(`SELECT code FROM stg_labs WHERE code LIKE 'LAB:50001_%'
  AND hadm_id = 3001 AND subject_id = 300 ORDER BY seq_num`)).map((r) => r[0]);
// Values 0..10 in the order of s3Times; a value equal to a cut is in the lower bin.
check('reference lab codes: NULL value, values on the cuts', JSON.stringify(codes50001) === JSON.stringify(
  ['LAB:50001_Q1', 'LAB:50001_Q1', 'LAB:50001_Q10', 'LAB:50001_NULL', 'LAB:50001_Q2', 'LAB:50001_Q3',
    'LAB:50001_Q4', 'LAB:50001_Q5', 'LAB:50001_Q6', 'LAB:50001_Q8', 'LAB:50001_Q7', 'LAB:50001_Q9']),
JSON.stringify(codes50001));

const meds = (await all(`SELECT code, seq_num FROM stg_medications WHERE hadm_id = 1001 ORDER BY seq_num`))
  .map((r) => r[0]);
check('reference medication order (starttime, NULLs last, file order)', JSON.stringify(meds) === JSON.stringify([
  'MED:  Insulin ', 'MED:Sodium Chloride 0.9%  Flush', 'MED:Heparin', 'MED:Heparin', 'MED:two\nlines',
  'MED:Ácido fólico', 'MED:Zinc, "Sulfate" 220mg', 'MED:Acetaminophen']), JSON.stringify(meds));

const h5 = (await all(`SELECT code FROM tokens_final WHERE hadm_id = 5001 AND code_type <> 'lab' ORDER BY final_seq`))
  .map((r) => r[0]);
check('reference tokens of an admission with timeless events', JSON.stringify(h5.slice(0, 5)) ===
  JSON.stringify(['TIME_PRE', 'DX:4019', 'DX:4019', 'DX:V7,0"x', 'TIME_0-1H']), JSON.stringify(h5));
const h3 = (await all(`SELECT code FROM tokens_final WHERE hadm_id = 3001 AND code_type = 'time_bin' ORDER BY final_seq`))
  .map((r) => r[0]);
check('reference time bins on every edge', JSON.stringify(h3) === JSON.stringify(['TIME_PRE', 'TIME_0-1H',
  'TIME_1-6H', 'TIME_6-24H', 'TIME_1-3D', 'TIME_3-7D', 'TIME_7D+']), JSON.stringify(h3));
const dx = (await all(`SELECT code FROM events_merged WHERE hadm_id = 1001 AND time_offset_hours = -0.001
  ORDER BY event_seq`)).map((r) => r[0]);
check('reference timeless events by (seq_num NULLs last, code)', JSON.stringify(dx) === JSON.stringify(
  ['DX:A01', 'DX:Z99', 'PR:3E0G76Z', 'DX:I10', 'MED:Zinc, "Sulfate" 220mg', 'MED:Acetaminophen',
    'DX:NULLSEQ']), JSON.stringify(dx));
check('reference events subject from the admission', num(await one(`SELECT count(*) FROM events_merged
  WHERE subject_id = 999`)) === 0);
check('reference offsets across Feb 29', num(await one(`SELECT max(time_offset_hours) FROM events_merged
  WHERE hadm_id = 1001 AND code LIKE 'LAB:50003_%'`)) === 48);
check('reference 24 h in a non-leap February', num(await one(`SELECT max(time_offset_hours) FROM events_merged
  WHERE hadm_id = 2001 AND code LIKE 'LAB:50002_%'`)) === 24);
check('reference no events for an admission without any', num(await one(`SELECT count(*) FROM events_merged
  WHERE hadm_id = 4001`)) === 0);

// 2. ehrtok on the same folder.
let ran = false;
if (!fs.existsSync(binary)) {
  check('ehrtok binary exists', false, binary);
} else {
  const r = spawnSync(binary, ['run', '--input', hosp, '--output', out, '--threads', '2'],
    { encoding: 'utf8', timeout: 120000 });
  ran = r.status === 0;
  check('ehrtok run exits 0', ran, `status ${r.status} signal ${r.signal}\n${r.stderr}`);
}

// 3. Every asset: same column names and types, same rows in the same order.
if (ran) {
  for (const [asset, order] of ASSETS) {
    const file = path.join(out, `${asset}.parquet`);
    if (!fs.existsSync(file)) {
      check(`${asset}.parquet written`, false, file);
      continue;
    }
    // ehrtok's rows in file order; the reference's in the asset's order.
    const got = await textRows(db, `(SELECT * EXCLUDE (file_row_number), file_row_number AS __file_row
      FROM read_parquet(${sqlString(file)}, file_row_number = true))`, '__file_row');
    const want = await textRows(db, asset, order);
    const drop = (t) => {
      const keep = t.columns.map((c, i) => [c, i]).filter(([c]) => !c.startsWith('__'));
      return { ...t, columns: keep.map(([c]) => c), types: keep.map(([, i]) => t.types[i]),
        rows: t.rows.map((row) => keep.map(([, i]) => row[i])) };
    };
    const g = drop(got);
    const w = drop(want);
    check(`${asset} column types`, JSON.stringify(g.types) === JSON.stringify(w.types),
      `${g.columns.map((c, i) => `${c}:${g.types[i]}`)} != ${w.columns.map((c, i) => `${c}:${w.types[i]}`)}`);
    const problems = compareRows(asset, g, w, 10);
    for (const p of problems) console.error(`  ${p}`);
    check(`${asset} rows equal the reference (${w.rows.length} rows)`, problems.length === 0);
  }
}

if (!anyFailed()) fs.rmSync(tmp, { recursive: true, force: true });
else console.error(`inputs and outputs kept in ${tmp}`);
finish();
