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
    if (flow === 'session') {
      // Registering a passkey needs a logged-in session (and its CSRF token).
      byId('passkey-register').hidden = !profile.username;
    }
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
      // The session's CSRF token: after a sign-in that ended in a redirect (an OpenID provider's)
      // or a session restored from the remember-me cookie, the page learns it here.
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

  // Passkeys: the server speaks WebAuthn's JSON forms (binary fields in base64url); these convert
  // them for navigator.credentials and back, without relying on the newer parse*FromJSON helpers.
  function fromBase64url(text) {
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  }

  function toBase64url(buffer) {
    let binary = '';
    for (const b of new Uint8Array(buffer)) {
      binary += String.fromCharCode(b);
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function withIds(list) {
    return (list || []).map((c) => ({ ...c, id: fromBase64url(c.id) }));
  }

  /** PublicKeyCredential.toJSON(), by hand where the browser lacks it. */
  function credentialJson(credential) {
    if (typeof credential.toJSON === 'function') {
      return credential.toJSON();
    }
    const r = credential.response;
    const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) {
        response.userHandle = toBase64url(r.userHandle);
      }
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    };
  }

  async function passkeyRegister() {
    const headers = csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
    const o = await request('session', 'POST', '/passkeys/register/options', { headers });
    if (!o.ok) {
      return;
    }
    const options = o.json;
    let credential;
    try {
      credential = await navigator.credentials.create({
        publicKey: {
          ...options,
          challenge: fromBase64url(options.challenge),
          user: { ...options.user, id: fromBase64url(options.user.id) },
          excludeCredentials: withIds(options.excludeCredentials),
        },
      });
    } catch (e) {
      note('session', `no passkey registered: ${e.name}`);
      return;
    }
    const body = { ...credentialJson(credential), name: 'demo passkey' };
    const r = await request('session', 'POST', '/passkeys/register', { body, headers });
    if (r.ok) {
      note('session', 'passkey registered');
    }
  }

  async function passkeyLogin() {
    // No user name: the browser offers the passkeys it holds for this site (discoverable ones).
    const o = await request('session', 'POST', '/passkeys/login/options');
    if (!o.ok) {
      return;
    }
    const options = o.json;
    let credential;
    try {
      credential = await navigator.credentials.get({
        publicKey: {
          ...options,
          challenge: fromBase64url(options.challenge),
          allowCredentials: withIds(options.allowCredentials),
        },
      });
    } catch (e) {
      note('session', `no passkey given: ${e.name}`);
      return;
    }
    const r = await request('session', 'POST', '/passkeys/login', { body: credentialJson(credential) });
    if (!r.ok) {
      clearUser('session');
      return;
    }
    csrfToken = r.json.csrf_token;
    await sessionProfile();
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
  byId('passkey-login').addEventListener('click', action('session', passkeyLogin));
  byId('passkey-register').addEventListener('click', action('session', passkeyRegister));
  byId('token-login-form').addEventListener('submit', action('token', tokenLogin));
  byId('token-profile').addEventListener('click', action('token', tokenProfile));
  byId('token-refresh').addEventListener('click', action('token', tokenRefresh));
  byId('token-logout').addEventListener('click', action('token', tokenLogout));
})();
