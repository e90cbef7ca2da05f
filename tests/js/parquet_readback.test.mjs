// Independent readers check ehrtok's Parquet writer. parquet_fixture_writer writes edge-case files
// (extreme INT64, -0.0/NaN/Inf doubles, timestamps in 2100-2200 and NULLs, unicode and awkward
// strings, big dictionaries, many row groups and pages, empty tables, slices of a huge shared
// dictionary), each with a JSON file of the expected values and statistics. DuckDB and hyparquet
// must both read every file back exactly: types, values, and min/max/null_count per row group.
//   node tests/js/parquet_readback.test.mjs <ehrtok-binary> [<parquet_fixture_writer-binary>]
// (run from the repository root; the ehrtok binary is not used here)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { check, finish } from './tally.mjs';

const fixtureWriter = process.argv[3] ?? 'build/tests/parquet_fixture_writer';
if (!fs.existsSync(fixtureWriter)) {
  console.error(`fixture writer not found at ${fixtureWriter}; build target parquet_fixture_writer`);
  process.exit(2);
}


// One check per list of comparisons, reporting the first few differences.
function checkAll(name, pairs) {
  const bad = pairs.filter(([, , ok]) => !ok);
  check(name, bad.length === 0,
    bad.slice(0, 5).map(([where, text]) => `${where}: ${text}`).join('; ') +
      (bad.length > 5 ? ` (+${bad.length - 5} more)` : ''));
}

const show = (v) => (typeof v === 'string' ? JSON.stringify(v) : Object.is(v, -0) ? '-0' : String(v));
const duckTypes = { INT64: 'BIGINT', DOUBLE: 'DOUBLE', TIMESTAMP: 'TIMESTAMP', STRING: 'VARCHAR' };
const quote = (name) => `"${name.replaceAll('"', '""')}"`;
const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// Compares a value a reader returned with the JSON's expectation for a column type. Integers and
// timestamps arrive as decimal strings (or BigInt), doubles must match bit for bit up to NaN.
function same(type, got, want) {
  if (want === null) return got === null || got === undefined;
  if (got === null || got === undefined) return false;
  if (type === 'DOUBLE') return Object.is(Number(got), Number(want));
  return String(got) === want;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ehrtok-parquet-'));
execFileSync(fixtureWriter, [out], { stdio: 'inherit' });
const fixtures = fs.readdirSync(out).filter((f) => f.endsWith('.json')).sort();
check('fixture files written', fixtures.length >= 10, `${fixtures.length} JSON files`);

const db = await (await DuckDBInstance.create(':memory:')).connect();
const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjects();

async function duckdbChecks(name, file, want) {
  const source = `read_parquet(${sqlString(file)})`;
  const schema = await rows(`DESCRIBE SELECT * FROM ${source}`);
  check(`${name} duckdb column names`,
    JSON.stringify(schema.map((c) => c.column_name)) === JSON.stringify(want.columns.map((c) => c.name)),
    schema.map((c) => c.column_name).join(','));
  checkAll(`${name} duckdb column types`, want.columns.map((c, i) => [c.name,
    `${schema[i]?.column_type} != ${duckTypes[c.type]}`, schema[i]?.column_type === duckTypes[c.type]]));

  // Values, in file order.
  const select = want.columns.flatMap((c) => {
    const q = quote(c.name);
    if (c.type === 'INT64') return [`CAST(${q} AS VARCHAR) AS ${q}`];
    if (c.type === 'TIMESTAMP') {
      return [`CAST(epoch_us(${q}) AS VARCHAR) AS ${q}`, `CAST(${q} AS VARCHAR) AS ${quote(`${c.name}#text`)}`];
    }
    return [q];
  });
  const got = await rows(`SELECT ${select.length ? select.join(', ') : '1'}
    FROM read_parquet(${sqlString(file)}, file_row_number = true) ORDER BY file_row_number`);
  check(`${name} duckdb row count`, got.length === want.num_rows, `${got.length} != ${want.num_rows}`);
  for (const c of want.columns) {
    const expected = want.values[c.name];
    const pairs = expected.map((w, r) => [`row ${r}`, `${show(got[r]?.[c.name])} != ${show(w)}`,
      same(c.type, got[r]?.[c.name] ?? null, w)]);
    if (c.type === 'TIMESTAMP') {
      want.timestamp_text[c.name].forEach((w, r) => pairs.push([`row ${r} text`,
        `${got[r]?.[`${c.name}#text`]} != ${w}`, (got[r]?.[`${c.name}#text`] ?? null) === w]));
    }
    checkAll(`${name}.${c.name} duckdb values`, pairs);
  }

  // Footer statistics as DuckDB decodes them. DuckDB turns non-finite double bounds into NULL.
  const meta = await rows(`SELECT row_group_id, column_id, stats_min_value AS min, stats_max_value AS max,
      stats_null_count AS nulls,
      CAST(epoch_us(TRY_CAST(stats_min_value AS TIMESTAMP)) AS VARCHAR) AS min_us,
      CAST(epoch_us(TRY_CAST(stats_max_value AS TIMESTAMP)) AS VARCHAR) AS max_us
    FROM parquet_metadata(${sqlString(file)}) ORDER BY row_group_id, column_id`);
  const groups = new Set(meta.map((m) => Number(m.row_group_id)));
  check(`${name} duckdb row groups`, groups.size === want.row_groups, `${groups.size} != ${want.row_groups}`);
  const pairs = [];
  want.columns.forEach((c, i) => {
    want.stats[c.name].forEach((s, g) => {
      const m = meta.find((x) => Number(x.row_group_id) === g && Number(x.column_id) === i);
      const where = `${c.name} group ${g}`;
      if (!m) return pairs.push([where, 'missing', false]);
      pairs.push([`${where} null_count`, `${m.nulls} != ${s.null_count}`, Number(m.nulls) === s.null_count]);
      for (const bound of ['min', 'max']) {
        let w = s[bound];
        let g2 = c.type === 'TIMESTAMP' ? m[`${bound}_us`] : m[bound];
        if (c.type === 'DOUBLE' && w !== null && !Number.isFinite(Number(w))) w = null;
        pairs.push([`${where} ${bound}`, `${show(g2)} != ${show(w)}`, same(c.type, g2, w)]);
      }
    });
  });
  checkAll(`${name} duckdb statistics`, pairs);
  await pushdownChecks(name, source, want);
}

function literal(type, v) {
  if (type === 'INT64') return `CAST(${v} AS BIGINT)`;
  if (type === 'TIMESTAMP') return `make_timestamp(CAST(${v} AS BIGINT))`;
  if (type === 'DOUBLE') return `CAST(${sqlString(v)} AS DOUBLE)`;
  return sqlString(v);
}

// Filters DuckDB may answer from the statistics: equality with each bound, and for doubles the
// values above the largest finite bound, which in DuckDB's order include every NaN. Wrong
// statistics would make DuckDB skip row groups and miss rows.
async function pushdownChecks(name, source, want) {
  const pairs = [];
  for (const c of want.columns) {
    const values = want.values[c.name].filter((v) => v !== null);
    const bounds = new Set(want.stats[c.name].flatMap((s) => [s.min, s.max]).filter((v) => v !== null));
    for (const b of bounds) {
      const expected = values.filter((v) => (c.type === 'DOUBLE' ? Number(v) === Number(b) : v === b)).length;
      const [r] = await rows(`SELECT count(*) AS n FROM ${source} WHERE ${quote(c.name)} = ${literal(c.type, b)}`);
      pairs.push([`${c.name} = ${show(b)}`, `${r.n} != ${expected}`, Number(r.n) === expected]);
    }
    if (c.type === 'DOUBLE') {
      const finite = values.map(Number).filter(Number.isFinite);
      const threshold = finite.length ? Math.max(...finite) : 0;
      const expected = values.map(Number).filter((v) => Number.isNaN(v) || v > threshold).length;
      const [r] = await rows(`SELECT count(*) AS n FROM ${source}
        WHERE ${quote(c.name)} > CAST(${sqlString(String(threshold))} AS DOUBLE)`);
      pairs.push([`${c.name} > ${threshold} (NaN included)`, `${r.n} != ${expected}`, Number(r.n) === expected]);
      const nans = values.filter((v) => v === 'NaN').length;
      const [n] = await rows(`SELECT count(*) AS n FROM ${source} WHERE isnan(${quote(c.name)})`);
      pairs.push([`isnan(${c.name})`, `${n.n} != ${nans}`, Number(n.n) === nans]);
    }
  }
  checkAll(`${name} duckdb filters on statistics`, pairs);
}

const wantSchema = {
  INT64: { type: 'INT64', converted_type: undefined, logical_type: undefined },
  DOUBLE: { type: 'DOUBLE', converted_type: undefined, logical_type: undefined },
  TIMESTAMP: { type: 'INT64', converted_type: 'TIMESTAMP_MICROS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } },
  STRING: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
};
// Timestamps as raw microseconds, so that nothing is lost to Date's millisecond precision.
const parsers = { timestampFromMicroseconds: (v) => BigInt(v) };

async function hyparquetChecks(name, file, want) {
  const buf = fs.readFileSync(file);
  const arrayBuffer = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const meta = parquetMetadata(arrayBuffer, { parsers });
  check(`${name} hyparquet num_rows`, Number(meta.num_rows) === want.num_rows, `${meta.num_rows}`);
  check(`${name} hyparquet row groups`, meta.row_groups.length === want.row_groups, `${meta.row_groups.length}`);
  check(`${name} hyparquet version`, meta.version === 1, `${meta.version}`);
  const leaves = meta.schema.slice(1);
  checkAll(`${name} hyparquet schema`, want.columns.map((c, i) => {
    const e = leaves[i] ?? {};
    const w = { name: c.name, repetition_type: c.nullable ? 'OPTIONAL' : 'REQUIRED', ...wantSchema[c.type] };
    const g = { name: e.name, repetition_type: e.repetition_type, type: e.type,
      converted_type: e.converted_type, logical_type: e.logical_type };
    return [c.name, `${JSON.stringify(g)} != ${JSON.stringify(w)}`, JSON.stringify(g) === JSON.stringify(w)];
  }));

  const pairs = [];
  want.columns.forEach((c, i) => {
    want.stats[c.name].forEach((s, g) => {
      const st = meta.row_groups[g]?.columns[i]?.meta_data?.statistics;
      const where = `${c.name} group ${g}`;
      if (!st) return pairs.push([where, 'no statistics', false]);
      pairs.push([`${where} null_count`, `${st.null_count} != ${s.null_count}`, Number(st.null_count) === s.null_count]);
      pairs.push([`${where} min`, `${show(st.min_value)} != ${show(s.min)}`, same(c.type, st.min_value ?? null, s.min)]);
      pairs.push([`${where} max`, `${show(st.max_value)} != ${show(s.max)}`, same(c.type, st.max_value ?? null, s.max)]);
    });
  });
  checkAll(`${name} hyparquet statistics`, pairs);

  const got = await parquetReadObjects({ file: arrayBuffer, compressors, parsers });
  check(`${name} hyparquet row count`, got.length === want.num_rows, `${got.length} != ${want.num_rows}`);
  for (const c of want.columns) {
    checkAll(`${name}.${c.name} hyparquet values`, want.values[c.name].map((w, r) => [`row ${r}`,
      `${show(got[r]?.[c.name])} != ${show(w)}`, same(c.type, got[r]?.[c.name] ?? null, w)]));
  }
}

for (const jsonFile of fixtures) {
  const want = JSON.parse(fs.readFileSync(path.join(out, jsonFile), 'utf8'));
  const file = path.join(out, want.file);
  const name = want.file;
  if (want.max_bytes !== undefined) {
    const size = fs.statSync(file).size;
    check(`${name} size`, size <= want.max_bytes, `${size} bytes > ${want.max_bytes}`);
  }
  try {
    await duckdbChecks(name, file, want);
  } catch (e) {
    check(`${name} duckdb read`, false, e.message);
  }
  try {
    await hyparquetChecks(name, file, want);
  } catch (e) {
    check(`${name} hyparquet read`, false, e.message);
  }
}

fs.rmSync(out, { recursive: true, force: true });
finish();
