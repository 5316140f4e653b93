/**
 * A browser without a browser: keeps cookies, reads the page's anti-forgery token, posts forms (plain
 * and multipart). For HTTP-level tests of the pages.
 */
export class FormClient {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = (pair as string).split('=') as [string, string];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string) {
    const res = await fetch(`${this.base}${path}`, { redirect: 'manual', headers: { cookie: this.header(), accept: 'text/html' } });
    this.remember(res);
    const text = await res.text();
    return { res, text, token: /name="_csrf" value="([^"]+)"/.exec(text)?.[1] };
  }

  async getBytes(path: string) {
    const res = await fetch(`${this.base}${path}`, { redirect: 'manual', headers: { cookie: this.header() } });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  /**
   * A form's answer as a browser sees it: a POST answered with a page is redirected (303, Post/Redirect/
   * Get) to the GET that shows it once (`?giu=`); that GET is followed, and `posted` is the POST's own
   * answer. Other redirects are left for the test to read.
   */
  private async followKept(posted: Response) {
    const location = posted.headers.get('location') ?? '';
    if (posted.status !== 303 || !/[?&]giu=/.test(location)) return { res: posted, text: await posted.text(), posted };
    await posted.arrayBuffer();
    const shown = await this.get(location);
    return { res: shown.res, text: shown.text, posted };
  }

  async post(path: string, form: Record<string, string>) {
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams(form),
    });
    this.remember(res);
    return this.followKept(res);
  }

  async postMultipart(path: string, fields: Record<string, string>, files: Array<{ field: string; name: string; bytes: Buffer; type?: string }>) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/pdf' }), f.name);
    const res = await fetch(`${this.base}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie: this.header(), accept: 'text/html' }, body: form });
    this.remember(res);
    return this.followKept(res);
  }

  /**
   * Opens the form at `path`, then posts it as multipart with these fields and files, carrying the page's
   * anti-forgery token and once-only `formKey` (fields given here win).
   */
  async submit(path: string, fields: Record<string, string>, files: Array<{ field: string; name: string; bytes: Buffer }> = [], action = path) {
    const { token, text } = await this.get(path);
    const formKey = /name="formKey" value="([^"]+)"/.exec(text)?.[1] ?? '';
    return this.postMultipart(action, { _csrf: token ?? '', formKey, ...fields }, files);
  }

  /** Posts the login form; the answer as it came (303 on success). */
  async attemptLogin(username: string, password: string, next?: string) {
    const { token } = await this.get('/login');
    return this.post('/login', { _csrf: token as string, username, password, ...(next ? { next } : {}) });
  }

  async login(username: string, password: string) {
    const answer = await this.attemptLogin(username, password);
    if (answer.res.status !== 303) throw new Error(`login failed: ${answer.res.status}`);
    return answer;
  }
}
