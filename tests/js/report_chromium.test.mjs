// `ehrtok report` end to end: the figures of report.json equal values DuckDB computes here from
// the Parquet outputs, and headless Chromium renders report.html with every plot and no script
// error (read from the DOM after load) into a screenshot that is not blank.
//   node tests/js/report_chromium.test.mjs <ehrtok-binary>      (from the repository root)
// Uses the MIMIC-IV demo when present, otherwise a sample from `ehrtok synth`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { check, finish } from './tally.mjs';

const binary = process.argv[2];
const chromium = '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  console.log(`${chromium} not found (scripts/setup.sh installs the Debian package chromium); skipping`);
  console.log('0 passed, 0 failed, 1 skipped');
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ehrtok-report-'));
const out = path.join(tmp, 'out');
let hosp = '../shared/data/mimic-iv-demo-2.2/hosp';
if (!fs.existsSync(hosp)) {
  hosp = path.join(tmp, 'hosp');
  execFileSync(binary, ['synth', '--output', hosp, '--patients', '100'], { stdio: 'inherit' });
}
execFileSync(binary, ['run', '--input', hosp, '--output', out, '--threads', '2'], { stdio: 'inherit' });
execFileSync(binary, ['report', '--output', out], { stdio: 'inherit' });
const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
const html = path.join(out, 'report.html');

// --- The figures, computed independently with DuckDB -----------------------------------------
const db = await (await DuckDBInstance.create(':memory:')).connect();
const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjects();
const tokensFile = `'${path.join(out, 'tokens_final.parquet').replaceAll("'", "''")}'`;

// Nearest rank: the value at 1-based rank ceil(p * n / 100) of the sorted values.
function nearestRank(sorted, p) {
  return sorted[Math.max(1, Math.ceil((p * sorted.length) / 100)) - 1];
}
async function expectLengths(name, key) {
  const counts = (await rows(`SELECT count(*) AS n FROM read_parquet(${tokensFile}) GROUP BY ${key}`))
    .map((r) => Number(r.n)).sort((a, b) => a - b);
  const got = report.sequences[name];
  check(`${name} count`, got.count === counts.length, `${got.count} != ${counts.length}`);
  for (const p of [50, 90, 99])
    check(`${name} p${p}`, got[`p${p}`] === nearestRank(counts, p), `${got[`p${p}`]} != ${nearestRank(counts, p)}`);
  check(`${name} max`, got.max === counts.at(-1), `${got.max} != ${counts.at(-1)}`);
  for (const t of got.longer_than) {
    const n = counts.filter((c) => c > t.tokens).length;
    check(`${name} longer than ${t.tokens}`, t.count === n && Math.abs(t.share - n / counts.length) < 1e-12,
      `${t.count} != ${n}`);
  }
}
await expectLengths('tokens_per_admission', 'hadm_id');
await expectLengths('tokens_per_patient', 'subject_id');

const [totals] = await rows(`SELECT count(*) AS n, count(DISTINCT code) AS vocabulary
  FROM read_parquet(${tokensFile})`);
check('tokens', report.sequences.tokens === Number(totals.n), `${report.sequences.tokens} != ${totals.n}`);
check('vocabulary size', report.sequences.vocabulary.size === Number(totals.vocabulary),
  `${report.sequences.vocabulary.size} != ${totals.vocabulary}`);
const types = await rows(`SELECT code_type, count(*) AS n FROM read_parquet(${tokensFile}) GROUP BY code_type`);
for (const t of types) {
  const got = report.sequences.code_types.find((c) => c.code_type === t.code_type);
  check(`code_type ${t.code_type}`, got && got.tokens === Number(t.n), `${got?.tokens} != ${t.n}`);
}
const bins = await rows(`SELECT code, count(*) AS n FROM read_parquet(${tokensFile})
  WHERE code_type = 'time_bin' GROUP BY code`);
for (const b of bins) {
  const got = report.sequences.time_bins.find((x) => x.name === b.code);
  check(`time bin ${b.code}`, got && got.tokens === Number(b.n), `${got?.tokens} != ${b.n}`);
}
check('checks passed', report.checks.passed === true);
check('funnel balanced', report.row_funnel.balanced === true, JSON.stringify(report.row_funnel.unbalanced));

// --- Headless Chromium ---------------------------------------------------------------------
const screenshot = path.join(tmp, 'report.png');
const browserArgs = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  `--user-data-dir=${path.join(tmp, 'chromium-profile')}`, '--virtual-time-budget=5000',
  '--window-size=1280,4000'];
const url = `file://${html}`;
execFileSync(chromium, [...browserArgs, `--screenshot=${screenshot}`, url], { stdio: 'ignore', timeout: 120000 });
const dom = execFileSync(chromium, [...browserArgs, '--dump-dom', url],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120000, maxBuffer: 64 << 20 });

const body = /<body([^>]*)>/.exec(dom)?.[1] ?? '';
const attr = (name) => new RegExp(`${name}="([^"]*)"`).exec(body)?.[1];
check('page loaded and the probe ran', attr('data-render-status') === 'done', body);
check('no script errors', attr('data-js-errors') === '0', `${attr('data-js-errors')}`);
const total = Number(attr('data-plots-total'));
check('all eight plots present', total === 8, `${total}`);
check('every plot rendered', Number(attr('data-plots-rendered')) === total,
  `${attr('data-plots-rendered')} of ${total}`);

// Decodes an 8-bit RGB or RGBA PNG (what Chromium writes) into its pixel rows.
function decodePng(bytes) {
  if (bytes.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('unexpected bit depth or interlace');
      channels = { 2: 3, 6: 4 }[data[9]];
      if (!channels) throw new Error(`unexpected color type ${data[9]}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a
        : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

check('screenshot written', fs.existsSync(screenshot));
if (fs.existsSync(screenshot)) {
  const png = decodePng(fs.readFileSync(screenshot));
  const colors = new Set();
  let nonWhite = 0;
  let bluish = 0;  // the plots' bar and line colour, #3b78b5
  for (let i = 0; i < png.pixels.length; i += png.channels) {
    const [r, g, b] = [png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]];
    colors.add((r << 16) | (g << 8) | b);
    if (r < 240 || g < 240 || b < 240) nonWhite++;
    if (b > 150 && r < 100 && g > 90 && g < 150) bluish++;
  }
  const n = png.width * png.height;
  check('screenshot size', png.width === 1280 && png.height === 4000, `${png.width}x${png.height}`);
  check('screenshot not blank', colors.size > 50 && nonWhite > n * 0.01,
    `${colors.size} colours, ${nonWhite} of ${n} pixels not white`);
  check('plot marks visible', bluish > 10000, `${bluish} pixels of the plot colour`);
}

fs.rmSync(tmp, { recursive: true, force: true });
finish();
