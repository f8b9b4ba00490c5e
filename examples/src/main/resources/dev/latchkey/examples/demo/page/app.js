'use strict';

// The demo page's two flows. The CSRF token and the tokens are kept in these variables only, never
// in localStorage or sessionStorage: a script that runs in this origin later could read storage.
(() => {
  let csrfToken = null;
  let accessToken = null;
  let refreshToken = null;

  const byId = (id) => document.getElementById(id);

  /** Sends one request; answers {status, ok, json} and never throws for an HTTP error status. */
  async function call(method, path, { body, headers = {} } = {}) {
    const init = { method, headers: { ...headers }, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let json = {};
    try {
      json = await response.json();
    } catch (e) {
      // Not every refusal has a JSON body (a proxy's, say): the status still tells.
    }
    return {
      status: response.status,
      ok: response.ok,
      json,
      csrf: response.headers.get('X-CSRF-Token'),
    };
  }

  /** Calls the server for one flow and shows the request, its status and its answer. */
  async function request(flow, method, path, options) {
    byId(`${flow}-request`).textContent = `${method} ${path}`;
    let result;
    try {
      result = await call(method, path, options);
    } catch (e) {
      result = { status: 'network error', ok: false, json: { error: String(e.message || e) } };
    }
    const status = byId(`${flow}-status`);
    status.textContent = String(result.status);
    status.classList.toggle('error', !result.ok);
    const message = byId(`${flow}-message`);
    message.textContent = result.ok
      ? (result.json.status || 'ok')
      : (result.json.error || `HTTP ${result.status}`);
    message.classList.toggle('error', !result.ok);
    return result;
  }

  function showUser(flow, profile) {
    byId(`${flow}-user`).textContent = profile.username || '';
    byId(`${flow}-roles`).textContent = (profile.roles || []).join(', ');
  }

  function clearUser(flow) {
    showUser(flow, {});
  }

  function note(flow, text) {
    byId(`${flow}-message`).textContent = text;
  }

  function credentials(flow) {
    const password = byId(`${flow}-password`);
    const body = { username: byId(`${flow}-username`).value, password: password.value };
    password.value = '';
    return body;
  }

  async function sessionProfile() {
    const r = await request('session', 'GET', '/session-profile');
    if (r.csrf) {
      // A remember-me cookie restored a new session: its CSRF token comes in this header.
      csrfToken = r.csrf;
    }
    if (r.ok) {
      showUser('session', r.json);
    } else {
      clearUser('session');
    }
  }

  async function sessionLogin() {
    const body = credentials('session');
    if (byId('session-remember').checked) {
      body.remember_me = true;
    }
    const r = await request('session', 'POST', '/session-login', { body });
    if (!r.ok) {
      clearUser('session');
      return;
    }
    csrfToken = r.json.csrf_token;
    await sessionProfile();
  }

  async function sessionLogout() {
    // Without the token (after a reload) the server refuses: log in again to get one.
    const headers = csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
    const r = await request('session', 'POST', '/session-logout', { headers });
    if (r.ok) {
      csrfToken = null;
      clearUser('session');
    }
  }

  async function tokenProfile() {
    const headers = accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
    const r = await request('token', 'GET', '/token-profile', { headers });
    if (r.ok) {
      showUser('token', r.json);
    } else {
      clearUser('token');
    }
  }

  function keep(answer) {
    accessToken = answer.access_token;
    refreshToken = answer.refresh_token;
  }

  async function tokenLogin() {
    const r = await request('token', 'POST', '/token-login', { body: credentials('token') });
    if (!r.ok) {
      clearUser('token');
      return;
    }
    keep(r.json);
    await tokenProfile();
  }

  async function tokenRefresh() {
    const r = await request('token', 'POST', '/token-refresh', {
      body: { refresh_token: refreshToken || '' },
    });
    if (r.ok) {
      keep(r.json);
      note('token', `new tokens: the access token expires in ${r.json.expires_in} s`);
    }
  }

  async function tokenLogout() {
    const headers = accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
    const body = refreshToken ? { refresh_token: refreshToken } : undefined;
    const r = await request('token', 'POST', '/token-logout', { headers, body });
    if (r.ok) {
      // The access token stays in memory on purpose: Profile then shows the server refusing it.
      refreshToken = null;
      clearUser('token');
      note('token', 'logged out: the old access token is now refused');
    }
  }

  /**
   * Runs one user action of a flow, one at a time; when it ends, its status element's
   * data-count goes up by one, so that a test (or a screen reader) knows an answer arrived.
   */
  function action(flow, run) {
    return async (event) => {
      event.preventDefault();
      const section = byId(flow);
      if (section.getAttribute('aria-busy') === 'true') {
        return;
      }
      section.setAttribute('aria-busy', 'true');
      try {
        await run();
      } finally {
        section.setAttribute('aria-busy', 'false');
        const status = byId(`${flow}-status`);
        status.dataset.count = String(Number(status.dataset.count) + 1);
      }
    };
  }

  byId('session-login-form').addEventListener('submit', action('session', sessionLogin));
  byId('session-profile').addEventListener('click', action('session', sessionProfile));
  byId('session-logout').addEventListener('click', action('session', sessionLogout));
  byId('token-login-form').addEventListener('submit', action('token', tokenLogin));
  byId('token-profile').addEventListener('click', action('token', tokenProfile));
  byId('token-refresh').addEventListener('click', action('token', tokenRefresh));
  byId('token-logout').addEventListener('click', action('token', tokenLogout));
})();
