// Page object for the dbx-check page: the one place that knows its selectors, so
// tests read as a user's steps.
export class CheckerPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.consoleErrors = [];
    this.pageErrors = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => {
      this.pageErrors.push(String(err));
      this.consoleErrors.push(String(err));
    });
  }

  async open(query = '') {
    await this.page.goto(this.baseUrl + query);
    await this.workspaceUrl.waitFor({ state: 'visible' });
  }

  get root() { return this.page.locator('#dbx-check'); }
  get workspaceUrl() { return this.page.locator('#workspace-url'); }
  get authMethod() { return this.page.locator('#auth-method'); }
  get login() { return this.page.locator('#login'); }
  get secret() { return this.page.locator('#secret'); }
  get connId() { return this.page.locator('#conn-id'); }
  get testButton() { return this.page.locator('#test-connection'); }
  get confirmHostButton() { return this.page.locator('#confirm-host-button'); }
  get workspaceFindings() { return this.page.locator('#workspace-findings'); }
  /// The live check's own verdict (the pasted answer's sits deeper, in the ways on).
  get liveVerdict() { return this.page.locator('#check-live > [data-verdict]'); }
  get checking() { return this.page.locator('[data-check=checking]'); }
  get waysOn() { return this.page.locator('#ways-on'); }
  get pastedAnswer() { return this.page.locator('#pasted-answer'); }
  /// Shown above a report read from a paste, which stands where the live verdict was.
  get reportSource() { return this.page.locator('#report-source'); }

  // --- user steps ---------------------------------------------------------------

  async typeWorkspace(url) { await this.workspaceUrl.fill(url); }

  /// `pat` | `pat_basic` | `sp_oauth` | `azure_sp` | `azure_mi` | `azure_default` | `basic`.
  async chooseMethod(method) { await this.authMethod.selectOption(method); }

  async typeLogin(login) { await this.login.fill(login); }

  async typeSecret(secret) { await this.secret.fill(secret); }

  /// Fills the form in the order a person would: workspace, method, Login, secret.
  async fillForm({ workspace, method = 'pat', login, secret }) {
    await this.typeWorkspace(workspace);
    await this.chooseMethod(method);
    if (login !== undefined) await this.typeLogin(login);
    await this.typeSecret(secret);
  }

  async confirmHost() { await this.confirmHostButton.click(); }

  async testConnection() { await this.testButton.click(); }

  /// Waits (at most `timeoutMs`) for the live verdict and reads it.
  async verdict({ timeoutMs = 20_000 } = {}) {
    await this.liveVerdict.waitFor({ state: 'visible', timeout: timeoutMs });
    return readVerdict(this.liveVerdict);
  }

  async pasteAnswer(text) { await this.pastedAnswer.fill(text); }

  /// Waits (at most `timeoutMs`) for the report read from the paste and reads its verdict.
  async pastedDiagnosis({ timeoutMs = 5_000 } = {}) {
    await this.reportSource.waitFor({ state: 'visible', timeout: timeoutMs });
    return readVerdict(this.liveVerdict);
  }

  /// The three ways on shown when the browser could not judge: the terminal commands
  /// and the Airflow CLI command, as the page shows them.
  async waysOnCommands() {
    await this.waysOn.waitFor({ state: 'visible' });
    const route = (name) => this.waysOn.locator(`pre[data-route=${name}]`).textContent();
    return {
      bash: await route('bash'),
      powershell: await route('powershell'),
      airflow: await route('airflow'),
    };
  }

  /// Clicks "Test the connection" and polls (every `everyMs`, for at most `boundMs`)
  /// until the page no longer says it is checking and shows a verdict. A fast check can
  /// start and end between two polls, so an observer inside the page also records each
  /// span during which `[data-check=checking]` was shown. Returns whether the page
  /// settled within the bound, the time to settle, and the longest "checking" span.
  async testConnectionAndWatch({ boundMs, everyMs = 50 }) {
    await this.page.evaluate(() => {
      const live = document.querySelector('#check-live');
      const trace = { spans: [], since: null };
      const look = () => {
        const checking = live.querySelector('[data-check=checking]') !== null;
        if (checking && trace.since === null) trace.since = performance.now();
        if (!checking && trace.since !== null) {
          trace.spans.push(performance.now() - trace.since);
          trace.since = null;
        }
      };
      window.__checkingTrace = trace;
      new MutationObserver(look).observe(live, { childList: true, subtree: true, attributes: true });
    });
    const started = Date.now();
    await this.testConnection();
    let settled = false;
    for (let i = 0; i * everyMs <= boundMs; i++) {
      const [checking, answered] = await Promise.all([
        this.checking.count(),
        this.liveVerdict.count(),
      ]);
      if (checking === 0 && answered > 0) {
        settled = true;
        break;
      }
      if (Date.now() - started > boundMs) break;
      await this.page.waitForTimeout(everyMs);
    }
    const elapsedMs = Date.now() - started;
    const trace = await this.page.evaluate(() => {
      const t = window.__checkingTrace;
      const open = t.since === null ? [] : [performance.now() - t.since];
      return { spans: [...t.spans, ...open] };
    });
    return {
      settled,
      elapsedMs,
      sawChecking: trace.spans.length > 0,
      longestCheckingMs: Math.max(0, ...trace.spans),
    };
  }

  /// Everything the page could have kept in the browser: Web Storage, cookies (the
  /// context's, which include HttpOnly ones from any host), IndexedDB and Cache Storage.
  async storedState() {
    const inPage = await this.page.evaluate(async () => ({
      localStorage: Object.keys(localStorage),
      sessionStorage: Object.keys(sessionStorage),
      documentCookie: document.cookie,
      indexedDB: (await indexedDB.databases()).map((d) => d.name),
      caches: await caches.keys(),
    }));
    return { ...inPage, cookies: await this.page.context().cookies() };
  }

  /// Clicks the button and measures, inside the page, from the click event to the
  /// moment a new live verdict element is added to the DOM.
  async timedCheck({ timeoutMs = 15_000 } = {}) {
    const measuring = this.page.evaluate((timeout) => new Promise((resolve, reject) => {
      const button = document.querySelector('#test-connection');
      const live = document.querySelector('#check-live');
      let clickedAt = null;
      const timer = setTimeout(() => { observer.disconnect(); reject(new Error('no verdict')); }, timeout);
      const observer = new MutationObserver((records) => {
        if (clickedAt === null) return;
        const added = records.some((r) => [...r.addedNodes].some((n) =>
          n.nodeType === 1 && n.parentElement === live && n.matches('[data-verdict]')));
        if (added) {
          const ms = performance.now() - clickedAt;
          clearTimeout(timer);
          observer.disconnect();
          resolve(ms);
        }
      });
      observer.observe(live, { childList: true, subtree: true });
      button.addEventListener('click', () => { clickedAt = performance.now(); }, { capture: true, once: true });
    }), timeoutMs);
    // The listener is in place once evaluate has started running; clicking after a
    // trivial round trip makes sure of it.
    await this.page.evaluate(() => 0);
    await this.testConnection();
    return measuring;
  }
}

async function readVerdict(locator) {
  return {
    verdict: await locator.getAttribute('data-verdict'),
    title: (await locator.locator('h3').textContent()).trim(),
    explanation: (await locator.locator('p').first().textContent()).trim(),
    fix: (await locator.locator('.fix').textContent()).replace(/^Fix:\s*/, '').trim(),
  };
}
