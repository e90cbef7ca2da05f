// End to end on the MIMIC-IV demo: `ehrtok run`, then independent readers check every Parquet
// file ehrtok wrote. DuckDB reads each asset and the Hive layout, and the values must equal the
// golden CSVs; hyparquet reads the same files and must see the same values as DuckDB.
//   node tests/js/demo_outputs.test.mjs <ehrtok-binary>      (from the repository root)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { check, finish } from './tally.mjs';

const binary = process.argv[2];
const demo = '../shared/data/mimic-iv-demo-2.2/hosp';
const golden = '../shared/data/expected/mimic-iv-demo-2.2';
if (!fs.existsSync(demo) || !fs.existsSync(golden)) {
  console.log(`MIMIC-IV demo not found at ${demo}; skipping`);
  console.log('0 passed, 0 failed, 1 skipped');
  process.exit(0);
}


const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ehrtok-js-'));
execFileSync(binary, ['run', '--input', demo, '--output', out, '--threads', '2'], { stdio: 'inherit' });

const db = await (await DuckDBInstance.create(':memory:')).connect();
const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjects();
const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

const types = {
  itemid: 'BIGINT', freq: 'BIGINT', pct: 'DOUBLE', subject_id: 'BIGINT', hadm_id: 'BIGINT',
  admittime: 'TIMESTAMP', dischtime: 'TIMESTAMP', visit_seq: 'BIGINT',
  days_since_prior_admission: 'BIGINT', code: 'VARCHAR', code_type: 'VARCHAR',
  event_time: 'TIMESTAMP', time_offset_hours: 'DOUBLE', event_seq: 'BIGINT', final_seq: 'BIGINT',
};
for (let k = 1; k <= 9; k++) types[`q${k}`] = 'DOUBLE';

const near = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

// Compares DuckDB's reading of a Parquet file with a golden CSV, value by value.
async function compareWithGolden(asset, parquetSql, goldenFile) {
  const schema = await rows(`DESCRIBE SELECT * FROM ${parquetSql}`);
  const columns = schema.map((c) => c.column_name);
  for (const c of schema)
    check(`${asset}.${c.column_name} type`, c.column_type === types[c.column_name],
      `${c.column_type} != ${types[c.column_name]}`);
  const doubles = new Set(schema.filter((c) => c.column_type === 'DOUBLE').map((c) => c.column_name));
  const select = columns.map((c) => (doubles.has(c) ? c : `CAST(${c} AS VARCHAR) AS ${c}`)).join(', ');
  const got = await rows(`SELECT ${select} FROM ${parquetSql}`);
  const want = await rows(
    `SELECT * FROM read_csv(${sqlString(goldenFile)}, header = true, all_varchar = true)`);
  const goldenColumns = Object.keys(want[0] ?? {});
  check(`${asset} columns`, JSON.stringify(goldenColumns) === JSON.stringify(columns),
    `${columns} != ${goldenColumns}`);
  check(`${asset} row count`, got.length === want.length, `${got.length} != ${want.length}`);
  let mismatches = 0;
  for (let r = 0; r < Math.min(got.length, want.length) && mismatches < 5; r++) {
    for (const c of columns) {
      const g = got[r][c];
      const w = want[r][c];
      const same = w === null ? g === null
        : doubles.has(c) ? g !== null && near(g, Number(w)) : String(g) === w;
      if (!same) {
        mismatches++;
        check(`${asset} row ${r + 1} ${c}`, false, `got ${g}, want ${w}`);
      }
    }
  }
  check(`${asset} values`, mismatches === 0);
  return got;
}

const assets = [
  ['top_200_labs', 'top_200_labs.csv'],
  ['lab_quantiles', 'lab_quantiles.csv'],
  ['stg_admissions', 'stg_admissions.csv'],
  ['events_merged', 'events_merged.csv.gz'],
  ['tokens_final', 'tokens_final.csv.gz'],
];
for (const [asset, goldenFile] of assets) {
  const file = path.join(out, `${asset}.parquet`);
  await compareWithGolden(asset, `read_parquet(${sqlString(file)})`, path.join(golden, goldenFile));
}

// The Hive layout: one folder per subject, subject_id also inside each file, rows in final_seq
// order; together equal to tokens_final.
const hive = path.join(out, 'mimic4_tokens.parquet');
const subjects = fs.readdirSync(hive);
check('hive folder names', subjects.every((s) => /^subject_id=\d+$/.test(s)));
check('hive one patient per folder', subjects.length === 100, `${subjects.length}`);
const hiveGlob = sqlString(path.join(hive, '*/*.parquet'));
await compareWithGolden('mimic4_tokens.parquet',
  `(SELECT * FROM read_parquet(${hiveGlob}, hive_partitioning = false)
    ORDER BY subject_id, visit_seq, final_seq)`,
  path.join(golden, 'tokens_final.csv.gz'));
const hiveCount = await rows(`SELECT count(*) AS n, count(DISTINCT subject_id) AS s
  FROM read_parquet(${hiveGlob}, hive_partitioning = true)`);
check('hive read with hive_partitioning', Number(hiveCount[0].n) === 111258 && Number(hiveCount[0].s) === 100,
  JSON.stringify(hiveCount[0], (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
const inFile = await rows(`SELECT count(*) AS n FROM read_parquet(${hiveGlob},
  hive_partitioning = false, filename = true) WHERE filename NOT LIKE '%subject_id=' || subject_id || '/data_0.parquet'`);
check('hive subject_id inside each file matches its folder', Number(inFile[0].n) === 0);

// Second reader: hyparquet must see exactly what DuckDB sees.
function plain(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace('Z', '');
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && 'micros' in v) return new Date(Number(v.micros / 1000n)).toISOString().replace('T', ' ').replace(/\.000Z$/, '');
  return String(v);
}
async function hyparquetRows(file) {
  const buf = fs.readFileSync(file);
  const arrayBuffer = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return parquetReadObjects({ file: arrayBuffer, compressors });
}
const hyparquetFiles = [...assets.map(([a]) => path.join(out, `${a}.parquet`)),
  path.join(hive, subjects[0], 'data_0.parquet')];
for (const file of hyparquetFiles) {
  const h = await hyparquetRows(file);
  const d = await rows(`SELECT * FROM read_parquet(${sqlString(file)})`);
  check(`hyparquet ${path.basename(file)} row count`, h.length === d.length, `${h.length} != ${d.length}`);
  let mismatches = 0;
  for (let r = 0; r < Math.min(h.length, d.length) && mismatches < 5; r++) {
    for (const c of Object.keys(d[r])) {
      const a = plain(h[r][c]);
      const b = plain(d[r][c]);
      if (!(a === b || (typeof a === 'number' && typeof b === 'number' && near(a, b)))) {
        mismatches++;
        check(`hyparquet ${path.basename(file)} row ${r} ${c}`, false, `${a} != ${b}`);
      }
    }
  }
  check(`hyparquet ${path.basename(file)} values`, mismatches === 0);
}

fs.rmSync(out, { recursive: true, force: true });
finish();
