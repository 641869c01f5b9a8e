/*
 * configtrail report on screen: a sidebar with one search box, filters that combine, and the
 * sections; sortable tables; collapsible changes; links finding <-> change <-> event both ways. It
 * works on the rows the templates rendered (their data-* attributes) and renders the rows the
 * document leaves out (the JSON in #screen-data) only when a search, a filter or a link asks for
 * them. No value from the data ever becomes markup: everything is set as text or as an attribute.
 * The PDF is printed with JavaScript off: none of this is in it.
 */
(function () {
  'use strict';
  var d = document;
  var DIMS = [['framework', 'Framework'], ['status', 'Status'], ['severity', 'Severity'], ['account', 'Account'], ['region', 'Region'], ['type', 'Resource type'], ['actor', 'Actor']];
  /** Rows left out of the document rendered per search at most (the rest are counted). */
  var EXTRA_LIMIT = 200;
  var KIND_LABEL = { finding: 'findings', change: 'changes', failed: 'failed calls' };

  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function hashFor(id) { return '#' + encodeURIComponent(id); }

  var rows = [];
  var extras = [];
  var extraById = {};
  var changeIds = {};
  var citing = {};
  var ui = {};

  function domItem(e) {
    var ds = e.dataset;
    var item = { el: e, kind: ds.kind, attrs: {}, extra: false, text: null };
    DIMS.forEach(function (dim) { item.attrs[dim[0]] = ds[dim[0]] || ''; });
    item.haystack = function () {
      if (item.text === null) item.text = (e.textContent + ' ' + DIMS.map(function (dim) { return item.attrs[dim[0]]; }).join(' ') + ' ' + (ds.change || '') + ' ' + (ds.event || '')).toLowerCase();
      return item.text;
    };
    return item;
  }

  function jsonItem(kind, rec) {
    var attrs = { framework: rec.framework || '', status: rec.status || '', severity: rec.severity || '', account: rec.accountId || '', region: rec.region || '', type: rec.resourceType || '', actor: rec.origin || '' };
    var item = { el: null, kind: kind, attrs: attrs, extra: true, rec: rec, text: null, pinned: false };
    item.haystack = function () {
      if (item.text === null) {
        var parts = [];
        Object.keys(rec).forEach(function (k) {
          var v = rec[k];
          if (typeof v === 'string' || typeof v === 'number') parts.push(String(v));
          else if (Array.isArray(v)) v.forEach(function (x) { Object.keys(x).forEach(function (kk) { parts.push(String(x[kk])); }); });
        });
        item.text = parts.join(' ').toLowerCase();
      }
      return item.text;
    };
    return item;
  }

  function loadData() {
    var node = d.getElementById('screen-data');
    if (!node) return;
    var data;
    try { data = JSON.parse(node.textContent); } catch { return; }
    (data.changes || []).forEach(function (c) { var it = jsonItem('change', c); extras.push(it); extraById['change-' + c.id] = it; changeIds[c.id] = true; });
    (data.findings || []).forEach(function (f) { var it = jsonItem('finding', f); extras.push(it); extraById[f.anchor] = it; if (f.changeId) cite(f.changeId, f.anchor, f.framework + ' ' + f.requirement); });
    (data.failedCalls || []).forEach(function (f) { extras.push(jsonItem('failed', f)); });
  }

  function cite(changeId, anchor, label) {
    (citing[changeId] = citing[changeId] || []).push({ anchor: anchor, label: label });
  }

  /* ---------- rows the document leaves out, rendered on demand ---------- */

  function badge(status, cls) { return el('span', { class: 'badge st-' + cls }, status); }
  function muted(text) { return el('span', { class: 'muted' }, text); }
  function mono(text) { return el('span', { class: 'mono' }, text); }
  function td(cls) { return el('td', cls ? { class: cls } : null); }
  function add(parent) { for (var i = 1; i < arguments.length; i++) { var c = arguments[i]; parent.appendChild(typeof c === 'string' ? d.createTextNode(c) : c); } return parent; }

  function renderChange(c) {
    var box = el('div', { class: 'change', id: 'change-' + c.id, 'data-kind': 'change', 'data-extra': '', 'data-account': c.accountId, 'data-region': c.region, 'data-type': c.resourceType, 'data-actor': c.origin, 'data-event': c.eventId });
    var head = el('p', { class: 'change-head' });
    add(head, el('b', null, c.changeType), ' captured ' + c.captureTime + (c.previousCaptureTime ? ' (previous state ' + c.previousCaptureTime + ')' : '') + ' · change ', mono(c.id), ' · ' + c.resourceType + ' ', mono(c.resource), ' ', muted(c.accountId + ' ' + c.region));
    box.appendChild(head);
    var kv = el('table', { class: 'kv' });
    var body = kv.appendChild(el('tbody'));
    function kvRow(label) { var r = body.appendChild(el('tr')); r.appendChild(el('th', null, label)); return r.appendChild(el('td')); }
    var caused = kvRow('Caused by');
    if (c.eventName) add(caused, mono(c.eventName), ' at ' + c.eventTime + ' · event ', mono(c.eventId));
    else caused.textContent = 'no causing call found';
    kvRow('Attribution').textContent = c.method + ', confidence ' + Math.round(c.confidence * 100) + '% — ' + c.reason;
    var actor = kvRow('Actor');
    if (c.chain.length === 0) actor.textContent = 'not attributed';
    c.chain.forEach(function (s, i) {
      add(actor, el('span', { class: 'step' }, s.name + ' '), muted('(' + s.type + (s.via ? ', via ' + s.via : '') + ')'));
      if (i < c.chain.length - 1) add(actor, ' → ');
    });
    if (!c.resolved) add(actor, ' ', el('span', { class: 'badge st-nodata' }, 'unresolved'));
    if (c.sourceIdentity) add(actor, ' · source identity ' + c.sourceIdentity);
    box.appendChild(kv);
    var diff = el('table', { class: 'data diff' });
    var hr = diff.appendChild(el('thead')).appendChild(el('tr'));
    ['Field', 'Before', 'After'].forEach(function (h) { hr.appendChild(el('th', null, h)); });
    var db = diff.appendChild(el('tbody'));
    c.diff.forEach(function (x) {
      var r = db.appendChild(el('tr', { class: 'op-' + x.op }));
      [x.path, x.before, x.after].forEach(function (v) { r.appendChild(el('td', { class: 'mono wrap' }, v)); });
    });
    box.appendChild(diff);
    return box;
  }

  function renderFinding(f) {
    var r = el('tr', { id: f.anchor, 'data-kind': 'finding', 'data-extra': '', 'data-status': f.status, 'data-severity': f.severity, 'data-account': f.accountId, 'data-region': f.region, 'data-type': f.resourceType, 'data-actor': f.origin, 'data-framework': f.framework, 'data-requirement': f.requirement, 'data-change': f.changeId, 'data-event': f.eventId });
    var a = add(td(), badge(f.status, f.statusClass));
    if (f.severity) add(a, el('br'), el('span', { class: 'sev sev-' + f.severity }, f.severity));
    var b = add(td('wrap'), muted(f.resourceType), el('br'), mono(f.resourceId));
    var c = add(td('wrap'), f.detail);
    if (f.waiver) c.appendChild(el('div', { class: 'waiver' }, f.waiver));
    var cause = td('wrap');
    if (f.sinceBeforePeriod) cause.textContent = 'held before the period';
    else if (f.changeId) add(cause, 'change ', mono(f.changeId));
    else if (!f.origin) cause.textContent = 'no recorded change';
    if (!f.sinceBeforePeriod && f.eventId) add(cause, f.changeId ? el('br') : '', 'event ', mono(f.eventId));
    if (!f.sinceBeforePeriod && f.origin) add(cause, el('br'), 'by ' + f.origin);
    add(r, a, b, c, cause);
    return r;
  }

  function renderFailed(f) {
    var r = el('tr', { 'data-kind': 'failed', 'data-extra': '', 'data-account': f.accountId, 'data-region': f.region, 'data-actor': f.origin, 'data-event': f.eventId });
    add(r, add(td('nowrap'), f.eventTime), add(td('mono wrap'), f.eventName, el('br'), muted(f.eventSource)), add(td('wrap'), f.errorCode, el('br'), muted(f.errorMessage)), add(td('wrap'), f.origin), add(td(), f.accountId, el('br'), f.region));
    return r;
  }

  function moreBox(sectionId, what) {
    var key = 'more-' + sectionId;
    var box = d.getElementById(key);
    if (box) return box;
    var section = d.getElementById(sectionId);
    box = el('div', { class: 'screen-more', id: key });
    box.appendChild(el('p', { class: 'muted' }, what));
    if (section) section.appendChild(box);
    return box;
  }

  /** Puts a left-out row in its place: a finding in its requirement's table, a failed call at the end of its table, a change after the change log. */
  function materialise(item) {
    if (item.el) return item.el;
    var rec = item.rec;
    var node;
    if (item.kind === 'change') {
      node = renderChange(rec);
      moreBox('change-log', 'Changes the printed document leaves out (changes.csv and report.json list them all), shown as the search, the filters or a link ask for them.').appendChild(node);
    } else if (item.kind === 'finding') {
      node = renderFinding(rec);
      var ctl = d.getElementById(rec.control);
      var body = ctl && ctl.querySelector('table.findings:not(.supporting) tbody');
      (body || moreBox('controls', 'Findings the printed document leaves out.')).appendChild(node);
    } else {
      node = renderFailed(rec);
      var table = d.querySelector('#failed-calls table.data tbody');
      (table || moreBox('failed-calls', 'Failed calls the printed document leaves out.')).appendChild(node);
    }
    item.el = node;
    enhance(item);
    return node;
  }

  /* ---------- links both ways, collapsible changes ---------- */

  function eventLink(id) {
    return el('a', { class: 'event-link screen-only', href: '#event-' + encodeURIComponent(id), title: 'Show every finding, change and failed call of this event' }, '⇄ all rows of event ' + id);
  }

  function setOpen(change, open) {
    change.classList.toggle('collapsed', !open);
    var b = change.querySelector('.change-toggle');
    if (b) { b.setAttribute('aria-expanded', open ? 'true' : 'false'); b.textContent = open ? '− Hide' : '+ Show'; }
  }

  function enhance(item) {
    var e = item.el;
    var ds = e.dataset;
    if (item.kind === 'change') {
      var id = e.id.slice('change-'.length);
      var head = e.querySelector('.change-head');
      var toggle = el('button', { type: 'button', class: 'change-toggle screen-only', 'aria-controls': e.id }, '');
      head.insertBefore(toggle, head.firstChild);
      var cites = citing[id];
      if (cites && cites.length) {
        var p = el('p', { class: 'backlinks screen-only' }, 'Cited by finding' + (cites.length > 1 ? 's' : '') + ': ');
        cites.forEach(function (c) { p.appendChild(el('a', { href: hashFor(c.anchor) }, c.label)); });
        e.insertBefore(p, head.nextSibling);
      }
      if (ds.event) { var cell = e.querySelector('table.kv td'); if (cell) add(cell, ' ', eventLink(ds.event)); }
      setOpen(e, false);
      return;
    }
    if (item.kind === 'finding' || item.kind === 'support') {
      var last = e.lastElementChild;
      // A finding whose change the document left out: link it now that the script can show it.
      if (ds.change && changeIds[ds.change] && last && !last.querySelector('a[href]')) {
        var span = Array.prototype.find.call(last.querySelectorAll('span.mono'), function (s) { return s.textContent === ds.change; });
        if (span) { var a = el('a', { class: 'mono', href: hashFor('change-' + ds.change) }, ds.change); span.replaceWith(a); }
      }
      if (ds.event && last) add(last, el('br', { class: 'screen-only' }), eventLink(ds.event));
      return;
    }
    if (item.kind === 'failed' && ds.event && e.children[1]) add(e.children[1], el('br', { class: 'screen-only' }), eventLink(ds.event));
  }

  /* ---------- search and filters ---------- */

  function activeFilters() {
    var out = [];
    DIMS.forEach(function (dim) { var s = ui.selects[dim[0]]; if (s && s.value) out.push([dim[0], s.value]); });
    return out;
  }

  function matches(item, q, active) {
    for (var i = 0; i < active.length; i++) if (item.attrs[active[i][0]] !== active[i][1]) return false;
    return !q || item.haystack().indexOf(q) >= 0;
  }

  function anyVisible(container, selector) {
    var list = container.querySelectorAll(selector);
    for (var i = 0; i < list.length; i++) if (!list[i].hidden) return true;
    return false;
  }

  function apply() {
    var q = ui.search.value.trim().toLowerCase();
    var active = activeFilters();
    var filtering = q !== '' || active.length > 0;
    var shown = { finding: 0, change: 0, failed: 0 };
    rows.forEach(function (item) {
      var show = !filtering || matches(item, q, active);
      item.el.hidden = !show;
      if (show && shown[item.kind] !== undefined) shown[item.kind]++;
    });
    var rendered = 0;
    var beyond = 0;
    extras.forEach(function (item) {
      if (!filtering) { if (item.el) item.el.hidden = !item.pinned; return; }
      if (!matches(item, q, active)) { if (item.el) item.el.hidden = true; return; }
      if (!item.el && rendered >= EXTRA_LIMIT) { beyond++; return; }
      if (!item.el) rendered++;
      materialise(item).hidden = false;
      shown[item.kind]++;
    });
    d.querySelectorAll('section.resource').forEach(function (s) { s.hidden = filtering && !anyVisible(s, '.change'); });
    d.querySelectorAll('article.control').forEach(function (a) { a.hidden = filtering && !anyVisible(a, '[data-kind]'); });
    d.querySelectorAll('section.framework').forEach(function (s) { s.hidden = filtering && !anyVisible(s, 'article.control'); });
    var more = d.querySelectorAll('.screen-more');
    more.forEach(function (m) { m.hidden = !anyVisible(m, '[data-kind]'); });
    var parts = Object.keys(shown).map(function (k) { return shown[k].toLocaleString('en-US') + ' ' + KIND_LABEL[k]; });
    var text = filtering ? 'Matching: ' + parts.join(', ') + '.' : 'All rows of the document: ' + parts.join(', ') + '.';
    if (!filtering && extras.length) text += ' ' + extras.length.toLocaleString('en-US') + ' more rows are left out of the printed document; the search and filters reach them.';
    if (beyond) text += ' ' + beyond.toLocaleString('en-US') + ' more matches not shown: narrow the search.';
    ui.status.textContent = text;
  }

  function reset() {
    ui.search.value = '';
    Object.keys(ui.selects).forEach(function (k) { ui.selects[k].value = ''; });
    apply();
  }

  /* ---------- navigation to an anchor ---------- */

  function go(hash) {
    if (!hash || hash.length < 2) return;
    var id;
    try { id = decodeURIComponent(hash.slice(1)); } catch { return; }
    if (id.indexOf('event-') === 0) {
      Object.keys(ui.selects).forEach(function (k) { ui.selects[k].value = ''; });
      ui.search.value = id.slice('event-'.length);
      apply();
      ui.status.focus();
      return;
    }
    var target = d.getElementById(id);
    if (!target && extraById[id]) { extraById[id].pinned = true; target = materialise(extraById[id]); }
    if (!target) return;
    if (target.closest('[hidden]')) { reset(); if (extraById[id]) extraById[id].el.hidden = false; }
    var change = target.closest('.change');
    if (change) setOpen(change, true);
    target.classList.add('target-flash');
    setTimeout(function () { target.classList.remove('target-flash'); }, 2000);
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  }

  /* ---------- sortable tables ---------- */

  function cellKey(row, col) {
    var cell = row.children[col];
    var t = cell ? cell.textContent.trim() : '';
    var n = /^[≥\s]*-?[\d,]+(\.\d+)?\s*(%|d|h|days)?(\s|$)/.test(t) ? parseFloat(t.replace(/[^\d.-]/g, '')) : NaN;
    return { t: t, n: n };
  }

  function sortTable(th) {
    var table = th.closest('table');
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    th.parentNode.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var list = Array.prototype.slice.call(body.rows).map(function (r) { return { r: r, k: cellKey(r, col) }; });
    list.sort(function (a, b) {
      var c = !isNaN(a.k.n) && !isNaN(b.k.n) ? a.k.n - b.k.n : a.k.t.localeCompare(b.k.t, 'en', { numeric: true });
      return asc ? c : -c;
    });
    list.forEach(function (x) { body.appendChild(x.r); });
  }

  function makeSortable() {
    d.querySelectorAll('table.data:not(.diff)').forEach(function (table) {
      var head = table.tHead;
      var body = table.tBodies[0];
      if (!head || head.rows.length !== 1 || !body || body.rows.length < 2) return;
      var width = head.rows[0].cells.length;
      for (var i = 0; i < body.rows.length; i++) if (body.rows[i].cells.length !== width || body.rows[i].querySelector('th')) return;
      Array.prototype.forEach.call(head.rows[0].cells, function (th) {
        var b = el('button', { type: 'button', class: 'sort', title: 'Sort by this column' });
        while (th.firstChild) b.appendChild(th.firstChild);
        th.appendChild(b);
      });
    });
  }

  /* ---------- the sidebar ---------- */

  function buildNav() {
    var nav = el('nav', { class: 'screen-nav screen-only', 'aria-label': 'Find, filter and navigate' });
    nav.appendChild(el('h2', null, 'Find and filter'));
    nav.appendChild(el('label', { for: 'ct-search' }, 'Search findings, changes and failed calls'));
    ui.search = nav.appendChild(el('input', { type: 'search', id: 'ct-search', placeholder: 'resource, actor, event name or id', autocomplete: 'off', 'aria-describedby': 'ct-status' }));
    ui.selects = {};
    var all = rows.concat(extras);
    DIMS.forEach(function (dim) {
      var seen = {};
      all.forEach(function (item) { var v = item.attrs[dim[0]]; if (v) seen[v] = true; });
      var values = Object.keys(seen).sort(function (a, b) { return a.localeCompare(b, 'en', { numeric: true }); });
      if (values.length === 0) return;
      nav.appendChild(el('label', { for: 'ct-f-' + dim[0] }, dim[1]));
      var s = nav.appendChild(el('select', { id: 'ct-f-' + dim[0], 'data-filter': dim[0] }));
      s.appendChild(el('option', { value: '' }, 'All'));
      values.forEach(function (v) { s.appendChild(el('option', { value: v }, v)); });
      s.addEventListener('change', apply);
      ui.selects[dim[0]] = s;
    });
    var buttons = nav.appendChild(el('div', { class: 'buttons' }));
    buttons.appendChild(el('button', { type: 'button', id: 'ct-clear' }, 'Clear')).addEventListener('click', function () { reset(); ui.search.focus(); });
    buttons.appendChild(el('button', { type: 'button', id: 'ct-expand' }, 'Expand changes')).addEventListener('click', function () { d.querySelectorAll('.change').forEach(function (c) { setOpen(c, true); }); });
    buttons.appendChild(el('button', { type: 'button', id: 'ct-collapse' }, 'Collapse changes')).addEventListener('click', function () { d.querySelectorAll('.change').forEach(function (c) { setOpen(c, false); }); });
    ui.status = nav.appendChild(el('p', { class: 'status', id: 'ct-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' }));
    nav.appendChild(el('h2', null, 'Sections'));
    var ol = nav.appendChild(el('ol'));
    d.querySelectorAll('nav.toc li').forEach(function (li) {
      var a = li.querySelector('a');
      if (!a) return;
      var num = li.querySelector('.toc-num');
      var title = li.querySelector('.toc-text');
      var item = ol.appendChild(el('li', { class: li.classList.contains('toc-l2') ? 'nav-l2' : 'nav-l1' }));
      item.appendChild(el('a', { href: a.getAttribute('href') }, ((num ? num.textContent + ' ' : '') + (title ? title.textContent : a.textContent)).trim()));
    });
    d.body.insertBefore(nav, d.body.firstChild);
    var timer = null;
    ui.search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
    ui.search.addEventListener('keydown', function (e) { if (e.key === 'Escape') { reset(); } });
  }

  function init() {
    d.documentElement.classList.add('js');
    loadData();
    d.querySelectorAll('[data-kind]').forEach(function (e) {
      var item = domItem(e);
      rows.push(item);
      if (item.kind === 'change') changeIds[e.id.slice('change-'.length)] = true;
      if (item.kind === 'finding' && e.dataset.change) cite(e.dataset.change, e.id, e.dataset.framework + ' ' + e.dataset.requirement);
    });
    rows.forEach(enhance);
    makeSortable();
    buildNav();
    apply();
    d.addEventListener('click', function (e) {
      var t = e.target;
      var sort = t.closest && t.closest('th button.sort');
      if (sort) { sortTable(sort.parentNode); return; }
      var toggle = t.closest && t.closest('.change-toggle');
      if (toggle) { var c = toggle.closest('.change'); setOpen(c, c.classList.contains('collapsed')); return; }
      var link = t.closest && t.closest('a[href^="#"]');
      if (link) { var h = link.getAttribute('href'); setTimeout(function () { go(h); }, 0); }
    });
    d.addEventListener('keydown', function (e) {
      var tag = (e.target && e.target.tagName) || '';
      if (e.key === '/' && tag !== 'INPUT' && tag !== 'SELECT' && tag !== 'TEXTAREA') { e.preventDefault(); ui.search.focus(); }
    });
    window.addEventListener('hashchange', function () { go(location.hash); });
    if (location.hash) go(location.hash);
  }

  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', init);
  else init();
})();
