// Edge dashboard: plain JavaScript, no dependencies. Every figure comes from the controller's API with the bearer
// token the user pastes once (kept in sessionStorage, sent as a header, never put in a URL). Pages: #/fleet,
// #/runs, #/runs/{run}, #/components, #/components/{component}. The view refreshes every few seconds and is
// rebuilt only when the data changed, then swapped in at once, so it does not flicker.
'use strict';

(() => {
  const TOKEN_KEY = 'edge.dashboard.token';
  const REFRESH_MS = 4000;
  const SVG = 'http://www.w3.org/2000/svg';

  const $ = id => document.getElementById(id);
  const content = $('content');
  const banner = $('banner');
  const status = $('status');
  const tokenView = $('token-view');
  const tokenMessage = $('token-message');

  let shownKey = null;
  let busy = false;
  let lastOk = null;

  class ApiError extends Error {
    constructor(code, message) {
      super(message);
      this.code = code;
    }
  }

  // --- DOM helpers -------------------------------------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  function setAttrs(el, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }

  function append(el, children) {
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  // --- formatting ---------------------------------------------------------------------------------------------

  const fmt = (v, digits = 0) => (v === null || v === undefined || !Number.isFinite(v)) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  const milli = v => fmt(v, 0) + ' m';
  const mib = v => fmt(v, 0) + ' MiB';
  const mbps = v => fmt(v, 1) + ' Mbps';
  const pct = v => (v === null || v === undefined) ? '–' : fmt(v * 100, 1) + ' %';
  const time = ms => ms ? new Date(ms).toLocaleTimeString('en-GB', { hour12: false }) : '–';
  const dateTime = ms => ms ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–';
  const seconds = ms => fmt(ms / 1000, 1) + ' s';
  const badge = state => h('span', { class: 'badge ' + state }, state);
  const pathOf = id => id.split('/').map(encodeURIComponent).join('/');
  const runLink = id => h('a', { href: '#/runs/' + encodeURIComponent(id) }, id);
  const componentLink = id => h('a', { href: '#/components/' + encodeURIComponent(id) }, id);
  const resources = q => q ? `${milli(q.cpuMillicores)} · ${mib(q.memoryMiB)}` : '–';
  const usage = u => u ? `${milli(u.cpuCores * 1000)} · ${mib(u.memoryMiB)}` : '–';

  // --- API ----------------------------------------------------------------------------------------------------

  async function api(path) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) throw new ApiError('token', 'no token');
    let res;
    try {
      res = await fetch(path, { headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' }, cache: 'no-store', credentials: 'omit', redirect: 'error' });
    } catch (e) {
      throw new ApiError('unreachable', `the controller is unreachable (${e.message})`);
    }
    if (res.status === 401) throw new ApiError(401, 'the controller refused the token (401): it is unknown or revoked');
    if (res.status === 403) throw new ApiError(403, `the token may not read ${path} (403): it needs the viewer role or above`);
    if (!res.ok) {
      let detail = '';
      try {
        const body = await res.json();
        detail = body.detail || body.error || body.title || '';
      } catch { /* not JSON */ }
      throw new ApiError(res.status, `${path} answered ${res.status}${detail ? ': ' + detail : ''}`);
    }
    return res.json();
  }

  // --- routing and refresh ------------------------------------------------------------------------------------

  function route() {
    const parts = location.hash.replace(/^#\/?/, '').split('/');
    const page = parts[0] || 'fleet';
    const id = parts.length > 1 ? decodeURIComponent(parts.slice(1).join('/')) : null;
    return { page: ['fleet', 'runs', 'components'].includes(page) ? page : 'fleet', id };
  }

  const pages = {
    fleet: {
      load: async () => ({ fleet: await api('/api/dashboard/fleet') }),
      render: d => fleetView(d.fleet),
    },
    runs: {
      load: async id => id ? { run: await api('/api/dashboard/runs/' + encodeURIComponent(id)) } : { runs: await api('/api/workflows') },
      render: d => d.run ? runView(d.run) : runsView(d.runs),
    },
    components: {
      load: async id => id ? { component: await api('/api/components/' + pathOf(id)) } : { components: await api('/api/components') },
      render: d => d.component ? componentView(d.component) : componentsView(d.components),
    },
  };

  async function refresh() {
    if (busy) return;
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      askToken(null);
      return;
    }
    busy = true;
    const r = route();
    for (const a of document.querySelectorAll('header nav a')) a.classList.toggle('active', a.dataset.page === r.page);
    try {
      const data = await pages[r.page].load(r.id);
      // The fleet's generatedAtMs changes on every answer but is not shown: it does not count as a change.
      const key = JSON.stringify([r, data], (k, v) => k === 'generatedAtMs' ? undefined : v);
      if (key !== shownKey) {
        content.replaceChildren(pages[r.page].render(data));
        shownKey = key;
      }
      lastOk = Date.now();
      tokenView.hidden = true;
      $('forget').hidden = false;
      showBanner(null);
      setStatus('ready', 'updated ' + time(lastOk));
      document.body.dataset.page = r.page + (r.id ? '-detail' : '');
    } catch (e) {
      if (e.code === 401 || e.code === 'token') {
        sessionStorage.removeItem(TOKEN_KEY);
        askToken(e.code === 401 ? e.message : null);
      } else if (e.code === 'unreachable') {
        showBanner('unreachable', `Controller unreachable: ${e.message}. ${lastOk ? 'Showing the data from ' + time(lastOk) + '; ' : ''}retrying every ${REFRESH_MS / 1000} s.`);
        setStatus('unreachable', 'unreachable');
      } else {
        showBanner('error', e.message);
        setStatus('error', 'error');
      }
    } finally {
      busy = false;
    }
  }

  function setStatus(state, text) {
    document.body.dataset.state = state;
    status.className = state;
    status.textContent = text;
  }

  function showBanner(kind, text) {
    banner.hidden = !kind;
    banner.className = kind || '';
    banner.textContent = text || '';
  }

  function askToken(message) {
    content.replaceChildren();
    shownKey = null;
    showBanner(null);
    tokenView.hidden = false;
    $('forget').hidden = true;
    tokenMessage.classList.toggle('refused', !!message);
    tokenMessage.textContent = message
      ? `${message}. Paste a valid token.`
      : 'Paste an Edge API token (viewer role or above). It is kept in this tab\'s session storage only and sent as a bearer header, never in the URL.';
    setStatus('token', 'no token');
    $('token-input').focus();
  }

  $('token-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const value = $('token-input').value.trim();
    if (!/^[\x21-\x7e]+$/.test(value)) {
      tokenMessage.classList.add('refused');
      tokenMessage.textContent = 'A token is printable ASCII without spaces; the pasted text is not one.';
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token-input').value = '';
    tokenView.hidden = true;
    setStatus('loading', 'loading…');
    refresh();
  });

  $('forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    askToken(null);
  });

  window.addEventListener('hashchange', () => {
    shownKey = null;
    refresh();
  });

  // --- fleet --------------------------------------------------------------------------------------------------

  function fleetView(fleet) {
    const nodes = fleet.nodes;
    const online = nodes.filter(n => n.online).length;
    const instances = nodes.reduce((a, n) => a + n.instances, 0);
    const root = h('div', { id: 'fleet' },
      h('h2', {}, 'Fleet'),
      h('div', { class: 'summary' },
        h('div', {}, h('b', {}, nodes.length), 'nodes'),
        h('div', {}, h('b', {}, online), 'online'),
        h('div', {}, h('b', { id: 'fleet-cordoned' }, nodes.filter(n => n.cordoned).length), 'cordoned'),
        h('div', {}, h('b', {}, instances), 'instances'),
        h('div', {}, h('b', {}, fleet.queued), 'queued requests')),
      h('div', { class: 'legend' }, h('span', { class: 'l-reserved' }, 'reserved (allocations)'), h('span', { class: 'l-used' }, 'used (latest sample)')));
    if (nodes.length === 0) {
      root.append(h('p', { class: 'empty', id: 'fleet-empty' }, 'No node has reported yet. Start an agent (edge-agent) with this controller\'s broker URL and its node credentials; it appears here once it publishes its status.'));
      return root;
    }
    root.append(h('div', { class: 'nodes' }, nodes.map(nodeCard)));
    return root;
  }

  function nodeCard(n) {
    const cap = n.capacity || { cpuMillicores: 0, memoryMiB: 0 };
    const used = n.used;
    const labels = Object.entries(n.labels || {}).map(([k, v]) => `${k}=${v}`).join(', ');
    return h('article', { class: 'node', 'data-node': n.nodeId },
      h('h3', {}, n.nodeId, badge(n.online ? 'online' : 'offline'), n.cordoned ? badge('cordoned') : null),
      h('div', { class: 'meta' }, `last seen ${dateTime(n.lastSeenMs)}`, n.agentVersion ? ` · agent ${n.agentVersion}` : '', n.enforcementMode ? ` · ${n.enforcementMode}` : '', labels ? ` · ${labels}` : ''),
      meter('CPU', cap.cpuMillicores, n.reserved.cpuMillicores, used ? used.cpuCores * 1000 : null, milli, 'cpu'),
      meter('Memory', cap.memoryMiB, n.reserved.memoryMiB, used ? used.memoryMiB : null, mib, 'memory'),
      meter('Network', cap.networkMbps, n.reserved.networkMbps, used ? used.networkMbps : null, mbps, 'network'),
      h('div', { class: 'meta' }, h('b', { class: 'instances' }, n.instances), n.instances === 1 ? ' instance' : ' instances', used ? ` · usage sampled ${time(used.atMs)}` : ' · no usage sample in the last minute'));
  }

  function meter(label, capacity, reserved, used, unit, kind) {
    const full = capacity && capacity > 0 ? capacity : Math.max(reserved || 0, used || 0, 1);
    const w = v => Math.max(0, Math.min(100, ((v || 0) / full) * 100));
    const bar = s('svg', { viewBox: '0 0 100 22', preserveAspectRatio: 'none', role: 'img', 'aria-label': `${label}: reserved ${unit(reserved)}, used ${unit(used)} of ${unit(capacity)}`, 'data-meter': kind },
      s('rect', { class: 'bar-bg', x: 0, y: 0, width: 100, height: 22 }),
      s('rect', { class: 'bar-reserved', x: 0, y: 2, width: w(reserved), height: 8 }, s('title', {}, 'reserved ' + unit(reserved))),
      s('rect', { class: 'bar-used', x: 0, y: 12, width: w(used), height: 8 }, s('title', {}, 'used ' + unit(used))));
    return h('div', { class: 'meter' },
      h('span', { class: 'label' }, label), bar,
      h('span', { class: 'figures' }, `reserved ${unit(reserved)} · used ${unit(used)} · capacity ${capacity ? unit(capacity) : 'not reported'}`));
  }

  // --- runs ---------------------------------------------------------------------------------------------------

  function runsView(runs) {
    const root = h('div', { id: 'runs' }, h('h2', {}, 'Workflow runs'));
    if (runs.length === 0) {
      root.append(h('p', { class: 'empty' }, 'No workflow run yet. Submit one with edgectl or POST /api/workflows.'));
      return root;
    }
    root.append(h('table', {},
      h('thead', {}, h('tr', {}, ['Run', 'Workflow', 'State', 'Steps done', 'Updated', 'Reason'].map(t => h('th', {}, t)))),
      h('tbody', {}, runs.map(r => {
        const done = r.steps.filter(x => x.state === 'succeeded').length;
        return h('tr', { 'data-run': r.runId },
          h('td', {}, runLink(r.runId)), h('td', {}, r.workflowId), h('td', {}, badge(r.state)),
          h('td', { class: 'num' }, `${done} / ${r.steps.length}`), h('td', {}, dateTime(r.updatedAtMs)), h('td', {}, r.reason || ''));
      }))));
    return root;
  }

  // What the agent reported about an instance (throttling, resizes applied or refused, an OOM kill), one row each.
  function eventText(e) {
    const v = e.values || {};
    const mbps = x => (x === undefined || x === null) ? '–' : Number(x).toFixed(2) + ' Mbps';
    switch (e.kind) {
      case 'instanceNetworkThrottled':
        return 'network held at its ' + mbps(v.net_limit_mbps) + ' cap: sent ' + mbps(v.net_tx_mbps) + ', received ' + mbps(v.net_rx_mbps) +
          '; dropped ' + ((v.net_tx_dropped || 0) + (v.net_rx_dropped || 0)) + ', queued ' + ((v.net_tx_overlimits || 0) + (v.net_rx_overlimits || 0)) + ' packets';
      case 'instanceThrottled':
        return 'CPU throttled ' + Number(v.throttled_s || 0).toFixed(2) + ' s';
      case 'instanceResized':
        return 'resized ' + resourcesText(e.oldLimits) + ' → ' + resourcesText(e.newLimits);
      case 'commandRejected':
        return 'resize refused (' + resourcesText(e.oldLimits) + ' kept, ' + resourcesText(e.newLimits) + ' asked): ' + (e.reason || '');
      case 'instanceOomKilled':
        return 'OOM-killed';
      default:
        return e.kind + (e.reason ? ': ' + e.reason : '');
    }
  }

  function resourcesText(r) {
    if (!r) return '–';
    return Math.round(r.cpuMillicores) + ' m · ' + Math.round(r.memoryMiB) + ' MiB' + (r.networkMbps ? ' · ' + Number(r.networkMbps).toFixed(2) + ' Mbps' : '');
  }

  function eventRows(events) {
    return (events || []).map(e => h('tr', { class: 'event', 'data-event': e.kind },
      h('td', {}, '· ' + dateTime(e.atMs)), h('td', { colspan: '7' }, eventText(e))));
  }

  function runView(run) {
    const root = h('div', { id: 'run' },
      h('p', {}, h('a', { href: '#/runs' }, '← all runs')),
      h('h2', {}, 'Run ', run.runId, ' ', badge(run.state)),
      h('dl', { class: 'facts' },
        h('dt', {}, 'workflow'), h('dd', {}, run.workflowId),
        h('dt', {}, 'updated'), h('dd', {}, dateTime(run.updatedAtMs)),
        run.reason ? [h('dt', {}, 'reason'), h('dd', {}, run.reason)] : null),
      h('h3', {}, 'Steps'),
      h('p', { class: 'hint' }, 'Reserved is what the step\'s instance holds (CPU millicores · memory MiB): its live allocation while it runs, then the limits its last attempt ended with; used is its peak. Each finished attempt is listed under its step, and under each instance what its agent reported: throttling, resizes applied or refused.'));
    const rows = [];
    for (const st of run.steps) {
      // A running step shows its live allocation and peaks; a finished one those of its last attempt.
      const last = st.finished.length ? st.finished[st.finished.length - 1] : null;
      rows.push(h('tr', { 'data-step': st.stepId },
        h('td', {}, st.stepId), h('td', {}, componentLink(st.componentId)), h('td', {}, badge(st.state)),
        h('td', {}, st.nodeId || '–'), h('td', { class: 'num' }, st.attempt),
        h('td', {}, resources(st.reserved || (last && last.reserved))), h('td', {}, usage(st.used || (last && last.used))), h('td', {}, st.reason || '')));
      rows.push(...eventRows(st.events));
      for (const a of st.finished) {
        rows.push(h('tr', { class: 'attempt', 'data-attempt': a.instanceId },
          h('td', {}, '↳ instance ' + a.instanceId.slice(0, 12)), h('td', {}, 'model ' + (a.model || '–')), h('td', {}, badge(a.outcome)), h('td', {}, a.nodeId),
          h('td', { class: 'num' }, 'ran ' + seconds(a.endedAtMs - a.startedAtMs)),
          h('td', {}, resources(a.reserved)), h('td', {}, usage(a.used)), h('td', {}, 'started ' + dateTime(a.startedAtMs))));
        rows.push(...eventRows(a.events));
      }
    }
    root.append(h('table', {},
      h('thead', {}, h('tr', {}, ['Step', 'Component', 'State', 'Node', 'Attempt', 'Reserved', 'Used (peak)', 'Reason'].map(t => h('th', {}, t)))),
      h('tbody', {}, rows)));
    return root;
  }

  // --- components ---------------------------------------------------------------------------------------------

  function componentsView(list) {
    const root = h('div', { id: 'components' }, h('h2', {}, 'Components'));
    if (list.length === 0) {
      root.append(h('p', { class: 'empty' }, 'No component has finished a run yet; forecasts are compared with actuals once one has.'));
      return root;
    }
    root.append(h('p', { class: 'hint' }, 'Prediction error is (predicted limit − actual peak) / actual peak; the mean absolute value is shown.'),
      h('table', {},
        h('thead', {}, h('tr', {}, ['Component', 'Runs', 'Succeeded', 'Failed', 'OOM-killed', 'CPU error', 'Memory error'].map(t => h('th', {}, t)))),
        h('tbody', {}, list.map(c => h('tr', { 'data-component': c.componentId },
          h('td', {}, componentLink(c.componentId)), h('td', { class: 'num' }, c.runs), h('td', { class: 'num' }, c.succeeded),
          h('td', { class: 'num' }, c.failed), h('td', { class: 'num' }, c.oomKilled),
          h('td', { class: 'num' }, pct(c.cpuMeanAbsoluteError)), h('td', { class: 'num' }, pct(c.memoryMeanAbsoluteError)))))));
    return root;
  }

  function componentView(c) {
    const runs = [...c.recentRuns].sort((a, b) => a.startedAtMs - b.startedAtMs);
    const next = c.nextPrediction;
    const root = h('div', { id: 'component' },
      h('p', {}, h('a', { href: '#/components' }, '← all components')),
      h('h2', {}, 'Component ', c.componentId),
      h('dl', { class: 'facts' },
        h('dt', {}, 'model'), h('dd', { id: 'component-model' }, next && next.model ? next.model : '–'),
        h('dt', {}, 'runs'), h('dd', {}, `${c.runs} (${c.succeeded} succeeded, ${c.failed} failed, ${c.oomKilled} OOM-killed)`),
        h('dt', {}, 'CPU error'), h('dd', {}, `${pct(c.cpuMeanAbsoluteError)} mean absolute, ${c.cpuUnderPredicted} under-predicted`),
        h('dt', {}, 'memory error'), h('dd', {}, `${pct(c.memoryMeanAbsoluteError)} mean absolute, ${c.memoryUnderPredicted} under-predicted`),
        next ? [h('dt', {}, 'next forecast'), h('dd', {}, `CPU ${milli(next.cpu)} [${fmt(next.confidenceInterval.cpu.lower)}, ${fmt(next.confidenceInterval.cpu.upper)}] · memory ${mib(next.memory)} [${fmt(next.confidenceInterval.memory.lower)}, ${fmt(next.confidenceInterval.memory.upper)}] · network ${mbps(next.networkBandwidth)} [${fmt(next.confidenceInterval.networkBandwidth.lower, 1)}, ${fmt(next.confidenceInterval.networkBandwidth.upper, 1)}] at ${fmt(next.confidenceInterval.level * 100)} %`)] : null));
    if (runs.length === 0) {
      root.append(h('p', { class: 'empty' }, 'This component has not finished a run yet: there is nothing to compare its forecast with.'));
      return root;
    }
    root.append(
      h('h3', {}, `Forecast against actual over its last ${runs.length} run${runs.length === 1 ? '' : 's'}`),
      h('div', { class: 'legend' }, h('span', { class: 'l-forecast' }, 'forecast (placed limit)'), h('span', { class: 'l-interval' }, 'interval'), h('span', { class: 'l-actual' }, 'actual peak')),
      h('div', { class: 'plots' },
        plot('CPU (millicores)', 'cpu', runs, r => r.predicted ? { f: r.predicted.cpu, lo: r.predicted.confidenceInterval.cpu.lower, hi: r.predicted.confidenceInterval.cpu.upper } : null, r => r.peakCpuCores * 1000),
        plot('Memory (MiB)', 'memory', runs, r => r.predicted ? { f: r.predicted.memory, lo: r.predicted.confidenceInterval.memory.lower, hi: r.predicted.confidenceInterval.memory.upper } : null, r => r.peakMemoryMiB),
        plot('Network (Mbps, busier direction)', 'network', runs, r => r.predicted ? { f: r.predicted.networkBandwidth, lo: r.predicted.confidenceInterval.networkBandwidth.lower, hi: r.predicted.confidenceInterval.networkBandwidth.upper } : null, r => r.peakNetworkMbps)),
      h('h3', {}, 'Runs'),
      h('table', {},
        h('thead', {}, h('tr', {}, ['#', 'Started', 'Run', 'Step', 'Node', 'Outcome', 'CPU forecast [interval]', 'CPU peak', 'Memory forecast [interval]', 'Memory peak', 'Network forecast [interval]', 'Network peak', 'Model'].map(t => h('th', {}, t)))),
        h('tbody', {}, runs.map((r, i) => {
          const p = r.predicted;
          return h('tr', { 'data-instance': r.instanceId },
            h('td', { class: 'num' }, i + 1), h('td', {}, dateTime(r.startedAtMs)), h('td', {}, r.workflowRunId ? runLink(r.workflowRunId) : '–'),
            h('td', {}, r.stepId || '–'), h('td', {}, r.nodeId), h('td', {}, badge(r.outcome)),
            h('td', {}, p ? `${milli(p.cpu)} [${fmt(p.confidenceInterval.cpu.lower)}, ${fmt(p.confidenceInterval.cpu.upper)}]` : '–'),
            h('td', { class: 'num' }, milli(r.peakCpuCores * 1000)),
            h('td', {}, p ? `${mib(p.memory)} [${fmt(p.confidenceInterval.memory.lower)}, ${fmt(p.confidenceInterval.memory.upper)}]` : '–'),
            h('td', { class: 'num' }, mib(r.peakMemoryMiB)),
            h('td', {}, p ? `${mbps(p.networkBandwidth)} [${fmt(p.confidenceInterval.networkBandwidth.lower, 1)}, ${fmt(p.confidenceInterval.networkBandwidth.upper, 1)}]` : '–'),
            h('td', { class: 'num' }, mbps(r.peakNetworkMbps)), h('td', {}, p && p.model ? p.model : '–'));
        }))));
    return root;
  }

  // One plot: per run (x, oldest first) the forecast interval as a band, the forecast as a tick, the actual peak as a dot.
  function plot(title, kind, runs, forecastOf, actualOf) {
    const W = 560, H = 260, L = 56, R = 12, T = 14, B = 34;
    const values = [];
    for (const r of runs) {
      const f = forecastOf(r);
      if (f) values.push(f.f, f.lo, f.hi);
      values.push(actualOf(r));
    }
    const max = niceMax(Math.max(1, ...values.filter(Number.isFinite)));
    const x = i => L + (runs.length === 1 ? (W - L - R) / 2 : (i * (W - L - R - 20)) / (runs.length - 1) + 10);
    const y = v => T + (H - T - B) * (1 - Math.max(0, v) / max);
    const g = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: forecast, interval and actual per run`, 'data-plot': kind });
    for (let k = 0; k <= 4; k++) {
      const v = (max * k) / 4;
      g.append(s('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }), s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmt(v, max < 4 ? 2 : max < 40 ? 1 : 0)));
    }
    g.append(s('line', { class: 'axis', x1: L, x2: L, y1: T, y2: H - B }), s('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
    g.append(s('text', { x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle' }, 'run (oldest → newest)'));
    const band = Math.max(4, Math.min(18, (W - L - R) / Math.max(1, runs.length) / 2));
    const forecastPts = [], actualPts = [];
    runs.forEach((r, i) => {
      const f = forecastOf(r);
      const a = actualOf(r);
      const label = `run ${i + 1} (${r.stepId || r.instanceId}, ${r.outcome})`;
      if (runs.length <= 20 && (i % Math.ceil(runs.length / 10) === 0)) g.append(s('text', { x: x(i), y: H - B + 14, 'text-anchor': 'middle' }, i + 1));
      if (f) {
        g.append(s('rect', { class: 'interval', x: x(i) - band / 2, width: band, y: y(Math.max(f.lo, f.hi)), height: Math.max(1, Math.abs(y(f.lo) - y(f.hi))) }, s('title', {}, `${label}: interval ${fmt(f.lo)} – ${fmt(f.hi)}`)));
        g.append(s('line', { class: 'forecast', x1: x(i) - band / 2 - 3, x2: x(i) + band / 2 + 3, y1: y(f.f), y2: y(f.f) }, s('title', {}, `${label}: forecast ${fmt(f.f)}`)));
        forecastPts.push(`${x(i)},${y(f.f)}`);
      }
      if (Number.isFinite(a)) {
        g.append(s('circle', { class: 'actual', cx: x(i), cy: y(a), r: 4 }, s('title', {}, `${label}: actual peak ${fmt(a, 1)}`)));
        actualPts.push(`${x(i)},${y(a)}`);
      }
    });
    if (forecastPts.length > 1) g.insertBefore(s('polyline', { class: 'forecast-line', points: forecastPts.join(' ') }), g.firstChild);
    if (actualPts.length > 1) g.insertBefore(s('polyline', { class: 'actual-line', points: actualPts.join(' ') }), g.firstChild);
    return h('figure', { class: 'plot' }, h('h3', {}, title), g);
  }

  function niceMax(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  // --- start --------------------------------------------------------------------------------------------------

  if (!location.hash) history.replaceState(null, '', '#/fleet');
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
