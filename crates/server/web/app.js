// chokepoint web UI: plain JavaScript over the JSON API. Every value from the server is put in
// the page as text (never as HTML).
'use strict';

const $ = (sel) => document.querySelector(sel);

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replaces an element's children; arrays (of arrays) of nodes are flattened.
function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

function token() { return localStorage.getItem('chokepoint-token') || ''; }

function showMessage(text) {
  const m = $('#message');
  if (!text) { m.classList.add('hidden'); m.textContent = ''; return; }
  m.textContent = text;
  m.classList.remove('hidden');
}

async function api(method, path, body, contentType) {
  const headers = { 'Authorization': 'Bearer ' + token() };
  if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
  const resp = await fetch(path, { method, headers, body });
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  if (!resp.ok) {
    const e = data && data.error;
    const msg = e ? `${resp.status}: ${e.field ? 'field `' + e.field + '`: ' : ''}${e.message}` : `${resp.status}: ${text.slice(0, 300)}`;
    throw new Error(msg);
  }
  return data;
}

async function run(fn) {
  showMessage('');
  try { await fn(); } catch (e) { showMessage(e.message); }
}

// ---- token ----

async function useToken(secret) {
  localStorage.setItem('chokepoint-token', secret);
  try {
    const who = await api('GET', '/v1/whoami');
    $('#whoami').textContent = `${who.name} · ${who.role}`;
    $('#whoami').dataset.role = who.role;
  } catch (e) {
    $('#whoami').textContent = 'token refused';
    throw e;
  }
}

// ---- tabs ----

function showTab(name) {
  for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.tab === name);
  for (const s of document.querySelectorAll('main > section')) s.classList.toggle('hidden', s.id !== 'tab-' + name);
  if (name === 'cases') run(loadCases);
  if (name === 'audit') run(loadAudit);
}

// ---- screening ----

function norm(s) {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

// The matched name with the words that matched a query token marked.
function highlighted(name, explanation) {
  const matched = new Set();
  for (const t of (explanation && explanation.name && explanation.name.tokens) || []) {
    if (t.matched) for (const part of t.matched.split(/\s+/)) matched.add(norm(part));
  }
  const out = h('span', { class: 'matched-name' });
  for (const piece of name.split(/(\s+)/)) {
    const n = norm(piece);
    out.append(n && (matched.has(n) || [...matched].some((m) => m.length > 3 && n.includes(m))) ? h('mark', {}, piece) : document.createTextNode(piece));
  }
  return out;
}

function entryDetails(e) {
  const rows = [];
  const add = (k, v) => { if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && !v.length)) rows.push(h('dt', {}, k), h('dd', {}, v)); };
  add('list', [e.source, e.sub_list].filter(Boolean).join(' · '));
  add('entry id', e.id);
  add('type', e.entity_type);
  add('names', (e.names || []).map((n) => `${n.full} (${n.kind})`).join('; '));
  add('countries', (e.countries || []).join(', '));
  add('addresses', (e.addresses || []).map((a) => [a.text, a.city, a.country].filter(Boolean).join(', ')).join(' | '));
  add('identifiers', (e.identifiers || []).map((i) => `${i.scheme} ${i.value}${i.country ? ' (' + i.country + ')' : ''}`).join('; '));
  add('dates of birth', (e.dates_of_birth || []).join(', '));
  add('programmes', (e.programs || []).join(', '));
  if (e.licence) {
    add('licence requirement', e.licence.licence_requirement);
    add('review policy', e.licence.licence_review_policy);
    add('Federal Register', (e.licence.federal_register || []).join('; '));
  }
  add('remarks', e.remarks);
  if (e.source_url) add('source', h('a', { href: e.source_url, target: '_blank', rel: 'noopener noreferrer', class: 'source-link' }, e.source_url));
  return h('dl', { class: 'details' }, rows);
}

function hitCard(hit) {
  const tokens = ((hit.explanation && hit.explanation.name && hit.explanation.name.tokens) || []).map((t) =>
    h('span', {}, `${t.query} → ${t.matched || '∅'}${t.method ? ' (' + t.method + ', ' + t.similarity.toFixed(2) + ')' : ''}`));
  let status = h('span', { class: 'badge ' + hit.decision }, hit.decision);
  if (hit.allowed) status = h('span', { class: 'badge clear' }, `cleared by case ${hit.allowed.case_id}`);
  return h('div', { class: 'card hit' },
    h('div', {}, status, ' ', h('strong', {}, highlighted(hit.matched_name, hit.explanation)), ' ',
      h('span', { class: 'muted' }, `score ${hit.score.toFixed(3)}`),
      hit.case_id ? h('button', { type: 'button', class: 'primary open-case', 'data-case': hit.case_id, onclick: () => { showTab('cases'); run(() => openCase(hit.case_id)); } }, `Open case ${hit.case_id}`) : null),
    h('div', { class: 'tokens muted' }, tokens),
    entryDetails(hit.entry),
    hit.allowed ? h('p', { class: 'muted' }, `Allow-list: ${hit.allowed.reason} — ${hit.allowed.created_by}`) : null);
}

async function screen(ev) {
  ev.preventDefault();
  const req = { name: $('#screen-name').value };
  if ($('#screen-schema').value) req.schema = $('#screen-schema').value;
  if ($('#screen-country').value.trim()) req.country = $('#screen-country').value.trim();
  if ($('#screen-party').value.trim()) req.party_id = $('#screen-party').value.trim();
  const r = await api('POST', '/v1/screen?detail=full', JSON.stringify(req));
  const out = $('#screen-result');
  fill(out, 
    h('div', { class: 'card' },
      h('span', { class: 'badge ' + r.status, id: 'screen-status' }, r.status), ' ',
      `${r.hits.length} hit(s) · party ${r.party_key} · lists ${r.lists.map((l) => l.source + ' ' + l.sha256.slice(0, 10)).join(', ')} · audit #${r.audit.seq}`),
    r.hits.map(hitCard));
}

// ---- licence check ----

function shipmentFromForm() {
  const pasted = $('#ck-json').value.trim();
  if (pasted) return pasted;
  const s = { ship_from: $('#ck-from').value.trim(), destination: $('#ck-to').value.trim(), item: {} };
  if ($('#ck-date').value) s.date = $('#ck-date').value;
  const cat = $('#ck-catalog').value.trim();
  if (cat) s.item.catalog = cat; else s.item.kind = $('#ck-kind').value;
  if ($('#ck-origin').value.trim()) s.item.origin = $('#ck-origin').value.trim();
  if ($('#ck-tpp').value.trim()) s.item.tpp = Number($('#ck-tpp').value.trim());
  const eu = $('#ck-eu-name').value.trim(), euc = $('#ck-eu-country').value.trim();
  if (eu || euc) s.parties = { end_user: Object.assign({}, eu ? { name: eu } : {}, euc ? { country: euc } : {}) };
  const uses = $('#ck-enduses').value.split(',').map((x) => x.trim()).filter(Boolean);
  if (uses.length) s.end_uses = uses;
  s.exporter = { us_person: $('#ck-usperson').checked };
  return JSON.stringify(s);
}

function determinationCard(d) {
  const reasons = d.reasons.map((x) => h('li', {},
    h('span', { class: 'badge ' + (x.kind === 'requirement' ? 'review' : 'clear') }, x.kind), ' ', x.text,
    h('div', {}, h('span', { class: 'cite' }, x.cite), ' ', h('span', { class: 'rule' }, `[${x.rule}] ${x.confidence}`)),
    x.facts && x.facts.length ? h('div', { class: 'muted' }, 'facts: ' + x.facts.join('; ')) : null));
  const exceptions = d.exceptions.map((x) => h('li', {}, `${x.code} — ${x.title} (${x.status}) `, h('span', { class: 'cite' }, x.cite), x.conditions ? h('div', { class: 'muted' }, x.conditions) : null));
  return h('div', { class: 'card determination', 'data-jurisdiction': d.jurisdiction },
    h('h3', {}, `${d.jurisdiction} — ${d.law} `, h('span', { class: 'badge ' + d.outcome }, d.outcome.replaceAll('_', ' '))),
    h('p', { class: 'muted' }, [d.classifications.length ? 'classification: ' + d.classifications.join(', ') : 'no control entry met', d.policy ? 'policy: ' + d.policy.replaceAll('_', ' ') : null, 'confidence: ' + d.confidence].filter(Boolean).join(' · ')),
    h('ul', { class: 'reasons' }, reasons),
    exceptions.length ? [h('h4', {}, 'Licence exceptions that may apply (never applied automatically)'), h('ul', {}, exceptions)] : null,
    d.missing.length ? [h('h4', {}, d.outcome === 'undetermined' ? 'Undetermined — give these facts' : 'Facts that could add requirements'), h('ul', {}, d.missing.map((m) => h('li', {}, m)))] : null);
}

async function check(ev) {
  ev.preventDefault();
  const r = await api('POST', '/v1/check', shipmentFromForm());
  fill($('#check-result'), 
    h('p', { class: 'muted' }, `as of ${r.as_of} · posture ${r.posture} · rulebook ${r.rulebook.version} · audit #${r.audit.seq}`),
    r.determinations.map(determinationCard),
    r.not_reached.map((n) => h('div', { class: 'card' }, h('h3', {}, `${n.jurisdiction} — ${n.law}: not reached`), h('ul', {}, n.why.map((x) => h('li', {}, x.text, ' ', h('span', { class: 'rule' }, `[${x.rule}]`)))))));
}

// ---- cases ----

async function loadCases() {
  const r = await api('GET', '/v1/cases?status=' + encodeURIComponent($('#cases-status').value));
  fill($('#cases-table tbody'), r.cases.map((c) =>
    h('tr', { 'data-case': c.id, onclick: () => run(() => openCase(c.id)) },
      h('td', {}, c.id), h('td', {}, c.party_name), h('td', {}, c.entry_name), h('td', {}, c.list_source),
      h('td', {}, c.score.toFixed(3)), h('td', {}, h('span', { class: 'badge ' + c.status }, c.status)), h('td', {}, c.opened_at.slice(0, 19).replace('T', ' ')))));
  if (!r.cases.length) fill($('#cases-table tbody'), h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'no cases')));
}

async function openCase(id) {
  const c = await api('GET', '/v1/cases/' + id);
  const hit = c.hit && c.hit.entry ? c.hit : null;
  const form = c.status === 'open'
    ? h('form', { id: 'decide-form', onsubmit: (ev) => { ev.preventDefault(); run(() => decide(c.id)); } },
      h('label', {}, 'Decision', h('select', { id: 'decision' }, h('option', { value: 'no_match' }, 'no match — a different party'), h('option', { value: 'match' }, 'match — the listed party'))),
      h('label', {}, 'Reason', h('textarea', { id: 'decision-reason', rows: 3, cols: 60, required: true })),
      h('button', { type: 'submit', id: 'decide-go' }, 'Record decision'))
    : h('p', { id: 'case-decision' }, h('span', { class: 'badge ' + c.status }, c.status), ` by ${c.decided_by} at ${c.decided_at}: ${c.decision_reason}`);
  fill($('#case-detail'), h('div', { class: 'card', id: 'case-card' },
    h('h3', {}, `Case ${c.id}: ${c.party_name} ↔ ${c.entry_name}`),
    h('p', { class: 'muted' }, `party ${c.party_key} · score ${c.score.toFixed(3)} · opened ${c.opened_at} by audit #${c.audit_seq} · entry content ${c.entry_hash.slice(0, 12)}`),
    hit ? [h('div', {}, 'matched: ', highlighted(hit.matched_name, hit.explanation)), entryDetails(hit.entry)] : null,
    form));
}

async function decide(id) {
  const body = JSON.stringify({ decision: $('#decision').value, reason: $('#decision-reason').value });
  await api('POST', `/v1/cases/${id}/decision`, body);
  await openCase(id);
  await loadCases();
}

// ---- audit ----

async function loadAudit() {
  const r = await api('GET', '/v1/audit?limit=100');
  fill($('#audit-table tbody'), r.records.map((x) =>
    h('tr', { onclick: () => { const d = $('#audit-detail'); d.textContent = JSON.stringify(x, null, 2); d.classList.remove('hidden'); } },
      h('td', {}, x.seq), h('td', {}, x.recorded_at.slice(0, 23).replace('T', ' ')), h('td', {}, x.kind),
      h('td', {}, x.actor_name), h('td', {}, x.actor_role), h('td', { class: 'rule' }, x.hash.slice(0, 16)))));
}

async function verifyAudit() {
  const v = await api('GET', '/v1/audit/verify');
  fill($('#audit-verdict'), v.ok
    ? h('span', { class: 'badge ok' }, `chain intact: ${v.records} records, head ${v.last_hash.slice(0, 16)}`)
    : h('span', { class: 'badge match' }, `${v.problem_count} problem(s): ` + v.problems.slice(0, 3).map((p) => `#${p.seq} ${p.kind}`).join(', ')));
}

// ---- wiring ----

document.addEventListener('DOMContentLoaded', () => {
  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => showTab(b.dataset.tab));
  $('#token-form').addEventListener('submit', (ev) => { ev.preventDefault(); run(() => useToken($('#token').value.trim())); });
  $('#screen-form').addEventListener('submit', (ev) => run(() => screen(ev)));
  $('#check-form').addEventListener('submit', (ev) => run(() => check(ev)));
  $('#cases-refresh').addEventListener('click', () => run(loadCases));
  $('#cases-status').addEventListener('change', () => run(loadCases));
  $('#audit-refresh').addEventListener('click', () => run(loadAudit));
  $('#audit-verify').addEventListener('click', () => run(verifyAudit));
  if (token()) run(() => useToken(token()));
});
