// The LatentCL dashboard: the table of runs (polled), one run's live curves (server-sent events), overlays.
'use strict';

// The metrics each kind of run plots, grouped into charts.
const CHARTS = {
  vae: [['loss', ['train_loss', 'test_loss']], ['ELBO terms', ['recon', 'kl', 'test_recon', 'test_kl']], ['speed', ['samples_per_s']]],
  gan: [['losses', ['d_loss', 'g_loss']], ['D(x) and D(G(z))', ['d_real', 'd_fake']], ['FID', ['fid']],
        ['penalties', ['r1_penalty', 'gradient_penalty']], ['diversity', ['diversity']], ['speed', ['samples_per_s']]],
};
const TABLE_POLL_MS = 2000;
let runs = [];
let openRun = null;
let source = null;
let charts = [];
let overlayChart = null;
const checked = new Set();

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function fmt(v, digits) {
  return typeof v === 'number' && isFinite(v) ? v.toFixed(digits) : '';
}

function settingsText(s) {
  // Settings are stored as floats (0.999000012...): four significant digits read as they were given.
  return Object.entries(s || {}).map(([k, v]) => v === true ? k : k + ' ' + (typeof v === 'number' ? +v.toPrecision(4) : v)).join(', ');
}

let lastTable = '';
async function loadTable() {
  let text;
  try {
    const r = await fetch('/api/runs', { cache: 'no-store' });
    text = await r.text();
  } catch (e) {
    return;
  }
  // Redrawn only when something changed, so that a row being clicked stays where it is.
  if (text === lastTable) return;
  lastTable = text;
  runs = JSON.parse(text);
  const body = document.querySelector('#runs tbody');
  body.replaceChildren();
  document.getElementById('empty').hidden = runs.length > 0;
  for (const run of runs) {
    const l = run.latest || {};
    const box = el('input', { type: 'checkbox', 'data-run': run.name, onchange: e => {
      if (e.target.checked) checked.add(run.name); else checked.delete(run.name);
      drawOverlay();
    } });
    box.checked = checked.has(run.name);
    const state = run.running ? el('span', { class: 'running' }, run.epochs === 0 ? 'starting (first epoch)' : 'running')
      : (run.target && run.epochs >= run.target ? 'finished' : 'stopped');
    const row = el('tr', { 'data-run': run.name, class: run.problems.length ? 'problem' : run.warnings.length ? 'warn' : '' },
      el('td', {}, box),
      el('td', {}, el('a', { class: 'run', href: '#run=' + encodeURIComponent(run.name) }, run.name)),
      el('td', {}, run.model + (run.arch && run.arch !== 'mlp' ? ' ' + run.arch : '')),
      el('td', {}, run.data), el('td', {}, run.device), el('td', {}, settingsText(run.settings)),
      el('td', { class: 'num' }, run.target ? run.epochs + '/' + run.target : run.epochs),
      el('td', { class: 'num' }, fmt(l.test_loss, 2)), el('td', { class: 'num' }, fmt(l.fid, 1)),
      el('td', { class: 'num' }, fmt(l.d_real, 3)), el('td', { class: 'num' }, fmt(l.d_fake, 3)),
      el('td', { class: 'num' }, fmt(l.samples_per_s, 0)),
      el('td', {}, state, ...run.warnings.map(w => el('div', { class: 'warning' }, w)), ...run.problems.map(p => el('div', { class: 'problem' }, p))));
    body.append(row);
  }
  const select = document.getElementById('overlay-metric');
  const keys = new Set();
  for (const run of runs) for (const k of Object.keys(run.latest || {})) if (typeof run.latest[k] === 'number' && k !== 'epoch') keys.add(k);
  const before = select.value;
  select.replaceChildren(...[...keys].sort().map(k => el('option', { value: k }, k)));
  if (keys.has(before)) select.value = before;
}

async function drawOverlay() {
  const metric = document.getElementById('overlay-metric').value;
  if (!overlayChart) overlayChart = echarts.init(document.getElementById('overlay'));
  const series = [];
  for (const name of checked) {
    const r = await fetch('/api/runs/' + encodeURIComponent(name), { cache: 'no-store' });
    if (!r.ok) continue;
    const run = await r.json();
    series.push({ name, type: 'line', showSymbol: true, data: run.metrics.filter(m => typeof m[metric] === 'number').map(m => [m.epoch, m[metric]]) });
  }
  overlayChart.setOption({ animation: false, title: { text: metric, textStyle: { fontSize: 13 } }, tooltip: { trigger: 'axis' }, legend: { top: 20 },
    xAxis: { type: 'value', name: 'epoch', minInterval: 1 }, yAxis: { type: 'value', scale: true }, series }, true);
  document.getElementById('overlay').setAttribute('data-series', String(series.length));
}

function showTable() {
  if (source) { source.close(); source = null; }
  lastTable = '';
  openRun = null;
  document.getElementById('table-view').hidden = false;
  document.getElementById('run-view').hidden = true;
  document.getElementById('where').textContent = '';
  loadTable();
}

async function showRun(name) {
  openRun = name;
  document.getElementById('table-view').hidden = true;
  document.getElementById('run-view').hidden = false;
  document.getElementById('where').textContent = '/ ' + name;
  const r = await fetch('/api/runs/' + encodeURIComponent(name), { cache: 'no-store' });
  if (!r.ok) {
    document.getElementById('run-name').textContent = name + ': no such run';
    return;
  }
  const run = await r.json();
  document.getElementById('run-name').textContent = name;
  document.getElementById('run-info').textContent = [run.model + ' ' + run.arch, run.data, run.device, settingsText(run.settings)]
    .filter(s => s && s.trim()).join(' · ');
  document.getElementById('run-problems').replaceChildren(...run.problems.map(p => el('li', {}, p)));
  buildCharts(run.model === 'gan' ? CHARTS.gan : CHARTS.vae);
  showSamples(run.samples);
  document.getElementById('pictures').replaceChildren(...run.pictures.map(p => p.endsWith('.png')
    ? el('figure', {}, el('img', { src: fileUrl(name, p), alt: p }), el('figcaption', {}, p))
    : el('div', {}, el('a', { href: fileUrl(name, p) }, p))));
  showClassLabels(run.settings && run.settings.classes);
  // A profiled run's report: its top kernels and its layers drawn as bars, and the text as written.
  const profile = document.getElementById('profile');
  profile.textContent = '';
  if (run.pictures.includes('profile.txt')) {
    const t = await fetch(fileUrl(name, 'profile.txt'), { cache: 'no-store' });
    if (t.ok) profile.textContent = await t.text();
  }
  document.getElementById('profile-box').hidden = profile.textContent === '';
  drawProfile(profile.textContent);
  follow(name);
}

// A conditional model's sample grids hold one row per class, in class order: each row is labelled.
function showClassLabels(classes) {
  const labels = document.getElementById('class-labels');
  const n = Number.isInteger(classes) && classes > 0 ? classes : 0;
  labels.replaceChildren(...Array.from({ length: n }, (_, k) => el('li', {}, 'class ' + k)));
  labels.hidden = n === 0;
}

// profile.txt's kernel table (name, calls, total ms, mean, p95, [max,] share, GFLOP/s, GB/s[, GFLOP, MB, %FLOP, %BW]) and its
// per-layer table (name, launches, total ms, share, GFLOP/s[, GB/s, %FLOP, %BW]), as ProfileReport writes them (the
// shares of the device's peak where it was calibrated).
const KERNEL_ROW = /^(.+?)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(?:([\d.]+)\s+)?([\d.]+)%\s+(\S+)\s+(\S+)(?:\s+\S+\s+\S+\s+(\S+%|-)\s+(\S+%|-))?$/;
const LAYER_ROW = /^(.+?)\s+(\d+)\s+([\d.]+)\s+([\d.]+)%\s+(\S+)(?:\s+(\S+)\s+(\S+%|-)\s+(\S+%|-))?$/;
const TOP_KERNELS = 12;

function parseProfile(text) {
  const kernels = [];
  const layers = [];
  let section = null;
  let summary = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('kernel / operation')) { section = 'kernels'; continue; }
    if (line.startsWith('layer ')) { section = 'layers'; continue; }
    if (line.startsWith('steps:')) { section = null; summary = line; continue; }
    let m;
    if (section === 'kernels' && (m = line.match(KERNEL_ROW))) {
      kernels.push({ name: m[1], calls: +m[2], ms: +m[3], share: +m[7], gflops: m[8], gbs: m[9], peak: peakText(m[10], m[11]) });
    } else if (section === 'layers' && (m = line.match(LAYER_ROW))) {
      layers.push({ name: m[1], calls: +m[2], ms: +m[3], share: +m[4], gflops: m[5], peak: peakText(m[7], m[8]) });
    }
  }
  return { kernels, layers, summary };
}

// ", 41.2% of peak FLOP/s, 3.0% of peak bandwidth" where the profile has the shares.
function peakText(flop, bw) {
  if (flop === undefined) return '';
  return (flop !== '-' ? ', ' + flop + ' of peak FLOP/s' : '') + (bw !== '-' ? ', ' + bw + ' of peak bandwidth' : '');
}

let profileCharts = [];
function drawProfile(text) {
  profileCharts.forEach(c => c.dispose());
  profileCharts = [];
  const p = parseProfile(text || '');
  document.getElementById('profile-summary').textContent = p.summary;
  const top = p.kernels.slice().sort((a, b) => b.ms - a.ms).slice(0, TOP_KERNELS);
  bars('profile-kernels', 'device time by kernel (top ' + top.length + ' of ' + p.kernels.length + '), ms', top,
    r => r.calls + ' calls, ' + r.share + '%, ' + r.gflops + ' GFLOP/s, ' + r.gbs + ' GB/s' + r.peak);
  bars('profile-layers', 'device time by layer, ms', p.layers,
    r => r.calls + ' launches, ' + r.share + '%, ' + r.gflops + ' GFLOP/s' + r.peak);
}

function bars(id, title, rows, detail) {
  const div = document.getElementById(id);
  div.style.display = rows.length ? '' : 'none';
  div.setAttribute('data-bars', String(rows.length));
  div.setAttribute('data-first', rows.length ? rows[0].name + ': ' + detail(rows[0]) : '');
  if (!rows.length) return;
  const chart = echarts.init(div);
  profileCharts.push(chart);
  const shown = rows.slice().reverse();
  chart.setOption({ animation: false, title: { text: title, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'item', formatter: q => shown[q.dataIndex].name + '<br>' + q.value.toFixed(2) + ' ms, ' + detail(shown[q.dataIndex]) },
    grid: { left: 8, right: 40, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: 'value' }, yAxis: { type: 'category', data: shown.map(r => r.name), axisLabel: { fontSize: 10 } },
    series: [{ type: 'bar', data: shown.map(r => r.ms), label: { show: true, position: 'right', formatter: q => shown[q.dataIndex].share + '%' } }] });
}

function fileUrl(run, file) {
  return '/runs/' + encodeURIComponent(run) + '/' + encodeURIComponent(file);
}

function buildCharts(groups) {
  charts.forEach(c => c.chart.dispose());
  const box = document.getElementById('charts');
  box.replaceChildren();
  charts = groups.map(([title, keys]) => {
    const div = el('div', { class: 'chart', 'data-chart': title, 'data-points': '0' });
    box.append(div);
    const chart = echarts.init(div);
    const c = { title, keys, chart, div, points: keys.map(() => []) };
    redraw(c);
    return c;
  });
}

function redraw(c) {
  const series = c.keys.map((k, i) => ({ name: k, type: 'line', showSymbol: true, data: c.points[i] })).filter(s => s.data.length);
  // A chart for metrics this run does not write (FID without --eval-every, penalties without R1) stays hidden.
  const wasHidden = c.div.style.display === 'none';
  c.div.style.display = series.length ? '' : 'none';
  if (wasHidden && series.length) c.chart.resize();
  c.chart.setOption({ animation: false, title: { text: c.title, textStyle: { fontSize: 13 } }, tooltip: { trigger: 'axis' }, legend: { top: 20 },
    xAxis: { type: 'value', name: 'epoch', minInterval: 1 }, yAxis: { type: 'value', scale: true }, series }, true);
  c.div.setAttribute('data-points', String(c.points.reduce((n, p) => Math.max(n, p.length), 0)));
}

function addLine(m) {
  for (const c of charts) {
    c.keys.forEach((k, i) => { if (typeof m[k] === 'number') c.points[i].push([m.epoch, m[k]]); });
    redraw(c);
  }
}

function follow(name) {
  if (source) source.close();
  source = new EventSource('/api/runs/' + encodeURIComponent(name) + '/events');
  source.onmessage = e => {
    const m = JSON.parse(e.data);
    addLine(m);
    refreshSamples(name, m.epoch);
  };
  source.addEventListener('reset', () => { charts.forEach(c => { c.points = c.keys.map(() => []); redraw(c); }); });
}

let sampleEpochs = [];
function showSamples(epochs) {
  sampleEpochs = epochs.slice();
  const slider = document.getElementById('samples-slider');
  document.getElementById('samples-box').hidden = sampleEpochs.length === 0;
  slider.min = 0;
  slider.max = Math.max(0, sampleEpochs.length - 1);
  slider.value = slider.max;
  pickSample();
}

function pickSample() {
  const slider = document.getElementById('samples-slider');
  const epoch = sampleEpochs[Number(slider.value)];
  if (epoch === undefined) return;
  document.getElementById('samples-epoch').textContent = 'epoch ' + epoch;
  document.getElementById('samples').src = fileUrl(openRun, 'samples-epoch-' + epoch + '.png');
  document.getElementById('samples').setAttribute('data-epoch', String(epoch));
}

async function refreshSamples(name, epoch) {
  if (sampleEpochs.includes(epoch)) return;
  const r = await fetch('/api/runs/' + encodeURIComponent(name), { cache: 'no-store' });
  if (!r.ok || openRun !== name) return;
  const run = await r.json();
  const slider = document.getElementById('samples-slider');
  const atEnd = Number(slider.value) >= sampleEpochs.length - 1;
  sampleEpochs = run.samples;
  document.getElementById('samples-box').hidden = sampleEpochs.length === 0;
  slider.max = Math.max(0, sampleEpochs.length - 1);
  if (atEnd) slider.value = slider.max;
  pickSample();
}

function route() {
  const m = location.hash.match(/^#run=(.+)$/);
  if (m) showRun(decodeURIComponent(m[1])); else showTable();
}

document.getElementById('samples-slider').addEventListener('input', pickSample);
document.getElementById('overlay-metric').addEventListener('change', drawOverlay);
window.addEventListener('hashchange', route);
setInterval(() => { if (!openRun) loadTable(); }, TABLE_POLL_MS);
route();
