// Page object for the dbx-check page: the one place that knows its selectors, so
// tests read as a user's steps.
export class CheckerPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.consoleErrors = [];
    page.on('console', (msg) => {
      // On a plain static host the page's relay probe (GET /relay/health) answers 404,
      // which the browser logs; that is the page working as designed.
      if (msg.type() === 'error' && !msg.location().url.endsWith('/relay/health')) {
        this.consoleErrors.push(msg.text());
      }
    });
    page.on('pageerror', (err) => this.consoleErrors.push(String(err)));
  }

  async open(query = '') {
    await this.page.goto(this.baseUrl + query);
    await this.workspaceUrl.waitFor({ state: 'visible' });
  }

  get root() { return this.page.locator('#dbx-check'); }
  get workspaceUrl() { return this.page.locator('#workspace-url'); }
  get authMethod() { return this.page.locator('#auth-method'); }
  get secret() { return this.page.locator('#secret'); }
  get connId() { return this.page.locator('#conn-id'); }
}
