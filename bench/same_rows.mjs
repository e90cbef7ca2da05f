// Checks that two output folders hold the same rows for the five compared assets, in the same
// order: `node bench/same_rows.mjs EHRTOK_OUT REFERENCE_OUT` (both with <asset>.parquet).
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(new URL('../tests/js/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');
const [a, b] = process.argv.slice(2);
const db = await (await DuckDBInstance.create(':memory:')).connect();
const q = (s) => `'${s.replaceAll("'", "''")}'`;
let differing = 0;
for (const asset of ['top_200_labs', 'lab_quantiles', 'stg_admissions', 'events_merged', 'tokens_final']) {
  // Row numbers make the comparison order-sensitive; EXCEPT ALL both ways finds any difference.
  const numbered = (dir) => `(SELECT row_number() OVER () AS row_no, * FROM read_parquet(${q(path.join(dir, `${asset}.parquet`))}))`;
  const result = await db.runAndReadAll(`SELECT
      (SELECT count(*) FROM ${numbered(a)}) AS rows_a,
      (SELECT count(*) FROM ${numbered(b)}) AS rows_b,
      (SELECT count(*) FROM (SELECT * FROM ${numbered(a)} EXCEPT ALL SELECT * FROM ${numbered(b)})) AS only_a,
      (SELECT count(*) FROM (SELECT * FROM ${numbered(b)} EXCEPT ALL SELECT * FROM ${numbered(a)})) AS only_b`);
  const [rowsA, rowsB, onlyA, onlyB] = result.getRows()[0].map(Number);
  const same = rowsA === rowsB && onlyA === 0 && onlyB === 0;
  if (!same) differing++;
  console.log(`${asset}: ${rowsA} vs ${rowsB} rows, ${onlyA}/${onlyB} rows only on one side: ${same ? 'same' : 'DIFFERENT'}`);
}
process.exit(differing === 0 ? 0 : 1);
