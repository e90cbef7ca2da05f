// Runs the reference pipeline (bench/reference/pipeline.sql) on DuckDB, times every stage, writes
// the assets, and optionally checks them against golden CSVs.
//
//   node bench/reference/run_reference.mjs --hosp DIR [--out DIR] [--threads N]
//        [--format csv|parquet|both|none] [--hive] [--compare GOLDEN_DIR]
//
// --out       folder for the outputs (created); needed unless --format none
// --format    csv (default): <asset>.csv in the golden format; parquet: <asset>.parquet; both; none
// --hive      also write export_tokens, the Hive layout OUT/mimic4_tokens.parquet/subject_id=N/
// --compare   compare the five assets with GOLDEN_DIR/<asset>.csv[.gz] (doubles rel. tol 1e-12,
//             everything else exact); exit 1 on any difference
//
// DuckDB comes from the test-only npm packages in tests/js (run `npm ci` there once): the
// package is resolved from that folder with createRequire, relative to this file, so the script
// works from any working directory without NODE_PATH. It can also be imported: the exported
// functions are what tests/js/reference_sql.test.mjs uses.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PIPELINE_SQL = path.join(here, 'pipeline.sql');
export const TABLES = ['admissions', 'diagnoses_icd', 'procedures_icd', 'prescriptions', 'labevents'];

// The five assets the golden output has, each with the order SPEC.md gives its rows.
export const ASSETS = [
  ['top_200_labs', 'freq DESC, itemid'],
  ['lab_quantiles', 'itemid'],
  ['stg_admissions', 'subject_id, visit_seq'],
  ['events_merged', 'subject_id, visit_seq, event_seq'],
  ['tokens_final', 'subject_id, visit_seq, final_seq'],
];

export function loadDuckDB() {
  const require = createRequire(path.join(here, '..', '..', 'tests', 'js', 'package.json'));
  try {
    return require('@duckdb/node-api');
  } catch (e) {
    throw new Error(`cannot load @duckdb/node-api from tests/js/node_modules ` +
      `(run \`npm ci\` in tests/js): ${e.message}`);
  }
}

export const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

// pipeline.sql cut at its `-- @stage NAME` lines: [{name, sql}], in file order.
export function readStages(file = PIPELINE_SQL) {
  const stages = [];
  let current = null;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^-- @stage (\S+)\s*$/.exec(line);
    if (m) {
      current = { name: m[1], sql: '' };
      stages.push(current);
    } else if (current) {
      current.sql += line + '\n';
    }
  }
  return stages;
}

// The file of each input table: NAME.csv.gz, else NAME.csv (as ehrtok and pipeline.sql choose).
export function inputFiles(hosp) {
  const files = {};
  for (const t of TABLES) {
    const found = [`${t}.csv.gz`, `${t}.csv`].map((f) => path.join(hosp, f)).find((f) => fs.existsSync(f));
    if (!found) throw new Error(`${hosp}: missing table ${t} (expected ${t}.csv.gz or ${t}.csv)`);
    files[t] = path.resolve(found);
  }
  return files;
}

async function runStatements(connection, sql) {
  const extracted = await connection.extractStatements(sql);
  for (let i = 0; i < extracted.count; i++) {
    const prepared = await extracted.prepare(i);
    await prepared.run();
  }
}

// Runs pipeline.sql on `connection`: the asset stages always, the export stages of `formats`
// ('csv', 'parquet', 'hive') into `out`. Returns [{stage, seconds}].
export async function runReference(connection, { hosp, out = null, threads = null, formats = [],
  onStage = () => {} }) {
  const files = inputFiles(hosp);
  if (threads) await connection.run(`SET threads = ${Number(threads)}`);
  await connection.run(`SET VARIABLE hosp = ${sqlString(path.resolve(hosp))}`);
  const timings = [];
  for (const stage of readStages()) {
    const exportFormat = /^export_(\w+)$/.exec(stage.name)?.[1];
    if (exportFormat && !formats.includes(exportFormat)) continue;
    let sql = stage.sql;
    if (exportFormat) {
      if (!out) throw new Error('an export needs an output folder');
      sql = sql.replaceAll('{{OUT}}', path.resolve(out).replaceAll("'", "''"));
    }
    const start = performance.now();
    await runStatements(connection, sql);
    if (stage.name === 'settings') {
      // The runner's own resolution wins over the SQL's glob(), which would misread a folder
      // name holding glob characters.
      for (const t of TABLES) await connection.run(`SET VARIABLE ${t}_file = ${sqlString(files[t])}`);
    }
    const seconds = (performance.now() - start) / 1000;
    timings.push({ stage: stage.name, seconds });
    onStage(stage.name, seconds);
  }
  return timings;
}

const doubleTypes = new Set(['DOUBLE', 'FLOAT']);
export const near = (a, b) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

// Rows of `source` (a table name or a parenthesized query) as text, in `order`; NULL stays null.
// Also returns which columns are doubles. DuckDB's text for a double is its shortest round-trip.
export async function textRows(connection, source, order) {
  const schema = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjects();
  const columns = schema.map((c) => c.column_name);
  const doubles = new Set(schema.filter((c) => doubleTypes.has(c.column_type)).map((c) => c.column_name));
  const select = columns.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(', ');
  // Sort on the typed columns (not on their text) through a row number.
  const reader = await connection.runAndReadAll(`SELECT ${select} FROM
    (SELECT *, row_number() OVER (ORDER BY ${order}) AS "__order" FROM ${source}) ORDER BY "__order"`);
  return { columns, doubles, types: schema.map((c) => c.column_type), rows: reader.getRows() };
}

// Compares two textRows results value by value. Returns a list of problems (empty when equal),
// at most `limit` row mismatches.
export function compareRows(name, got, want, limit = 5) {
  const problems = [];
  if (JSON.stringify(got.columns) !== JSON.stringify(want.columns))
    problems.push(`${name}: columns ${got.columns} != ${want.columns}`);
  if (got.rows.length !== want.rows.length)
    problems.push(`${name}: ${got.rows.length} rows != ${want.rows.length}`);
  let mismatches = 0;
  const n = Math.min(got.rows.length, want.rows.length);
  for (let r = 0; r < n && mismatches < limit; r++) {
    for (let c = 0; c < got.columns.length; c++) {
      const col = got.columns[c];
      const g = got.rows[r][c];
      const w = want.rows[r][want.columns.indexOf(col)];
      const same = g === null || w === null || w === undefined ? g === (w ?? null)
        : got.doubles.has(col) || want.doubles.has(col) ? near(Number(g), Number(w)) : g === w;
      if (!same) {
        mismatches++;
        problems.push(`${name} row ${r + 1} ${col}: got ${g}, want ${w}`);
        break;
      }
    }
  }
  if (problems.length) problems.push(...rowsOnlyInOne(name, got, want, limit));
  return problems;
}

// Rows that one side has more often than the other, ignoring order: a diagnosis for when one
// extra or missing row shifts every row after it. Doubles are keyed to 12 significant digits.
function rowsOnlyInOne(name, got, want, limit) {
  const key = (t, row) => JSON.stringify(got.columns.map((col) => {
    const v = row[t.columns.indexOf(col)] ?? null;
    return v !== null && (got.doubles.has(col) || want.doubles.has(col)) ? Number(v).toPrecision(12) : v;
  }));
  const count = new Map();
  for (const row of got.rows) count.set(key(got, row), (count.get(key(got, row)) ?? 0) + 1);
  for (const row of want.rows) count.set(key(want, row), (count.get(key(want, row)) ?? 0) - 1);
  const extra = [...count].filter(([, n]) => n > 0);
  const missing = [...count].filter(([, n]) => n < 0);
  const out = [];
  if (extra.length || missing.length)
    out.push(`${name}: ignoring order, ${extra.length} distinct rows only in got, ${missing.length} only in want ` +
      `(columns ${got.columns.join(',')})`);
  for (const [k, n] of extra.slice(0, limit)) out.push(`  only in got${n > 1 ? ` (x${n})` : ''}:  ${k}`);
  for (const [k, n] of missing.slice(0, limit)) out.push(`  only in want${n < -1 ? ` (x${-n})` : ''}: ${k}`);
  return out;
}

// Compares the five asset tables in `connection` with GOLDEN_DIR/<asset>.csv[.gz].
export async function compareWithGolden(connection, goldenDir) {
  const results = [];
  for (const [asset, order] of ASSETS) {
    const file = [`${asset}.csv`, `${asset}.csv.gz`].map((f) => path.join(goldenDir, f)).find((f) => fs.existsSync(f));
    if (!file) {
      results.push({ asset, problems: [`${asset}: no golden file in ${goldenDir}`] });
      continue;
    }
    const got = await textRows(connection, asset, order);
    // The golden rows are already in the asset's order; read them as text and keep that order.
    const golden = await connection.runAndReadAll(`SELECT * FROM read_csv(${sqlString(file)},
      header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`);
    const want = { columns: golden.columnNames(), doubles: got.doubles, rows: golden.getRows() };
    results.push({ asset, rows: got.rows.length, problems: compareRows(asset, got, want) });
  }
  return results;
}

function parseArgs(argv) {
  const args = { threads: null, format: 'csv', hive: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--hosp') args.hosp = value();
    else if (flag === '--out') args.out = value();
    else if (flag === '--threads') args.threads = Number(value());
    else if (flag === '--format') args.format = value();
    else if (flag === '--hive') args.hive = true;
    else if (flag === '--compare') args.compare = value();
    else if (flag === '--help' || flag === '-h') args.help = true;
    else throw new Error(`unknown argument ${flag}`);
  }
  return args;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args.help) {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport')[0]);
      return 0;
    }
    if (!args.hosp) throw new Error('--hosp DIR is required');
    if (!['csv', 'parquet', 'both', 'none'].includes(args.format)) throw new Error(`bad --format ${args.format}`);
    if (args.threads !== null && !(Number.isInteger(args.threads) && args.threads > 0))
      throw new Error('--threads needs a positive integer');
    inputFiles(args.hosp); // a missing table is bad input: say so before starting DuckDB
  } catch (e) {
    console.error(`run_reference: ${e.message}`);
    return 2;
  }
  const formats = { csv: ['csv'], parquet: ['parquet'], both: ['csv', 'parquet'], none: [] }[args.format];
  if (args.hive) formats.push('hive');
  if (formats.length && !args.out) {
    console.error('run_reference: --out DIR is required to write outputs (or --format none)');
    return 2;
  }
  if (args.out) fs.mkdirSync(args.out, { recursive: true });

  const { DuckDBInstance } = loadDuckDB();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const version = (await connection.runAndReadAll('SELECT version()')).getRows()[0][0];
  const start = performance.now();
  console.log(`reference pipeline on DuckDB ${version}, hosp ${args.hosp}`);
  const timings = await runReference(connection, {
    hosp: args.hosp, out: args.out, threads: args.threads, formats,
    onStage: (name, s) => console.log(`  ${name.padEnd(20)} ${s.toFixed(3).padStart(9)} s`),
  });
  const total = (performance.now() - start) / 1000;
  const threads = (await connection.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0][0];
  console.log(`  ${'total'.padEnd(20)} ${total.toFixed(3).padStart(9)} s  (threads ${threads})`);

  const counts = [];
  for (const t of [...TABLES.map((t) => `raw_${t}`), 'top_200_labs', 'lab_quantiles', 'stg_admissions',
    'stg_diagnoses', 'stg_procedures', 'stg_medications', 'stg_labs', 'events_merged', 'tokens_final']) {
    const n = (await connection.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRows()[0][0];
    counts.push(`${t}=${n}`);
  }
  console.log(`rows: ${counts.join(' ')}`);
  if (args.out) {
    fs.writeFileSync(path.join(args.out, 'reference_timings.json'),
      JSON.stringify({ duckdb: version, threads: Number(threads), total_seconds: total, stages: timings }, null, 2) + '\n');
  }

  let status = 0;
  if (args.compare) {
    for (const r of await compareWithGolden(connection, args.compare)) {
      if (r.problems.length === 0) console.log(`match    ${r.asset} (${r.rows} rows)`);
      else {
        status = 1;
        console.log(`MISMATCH ${r.asset}`);
        for (const p of r.problems) console.log(`  ${p}`);
      }
    }
  }
  connection.closeSync?.();
  return status;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then((code) => process.exit(code), (e) => {
    console.error(`run_reference: ${e.message}`);
    process.exit(1);
  });
}
