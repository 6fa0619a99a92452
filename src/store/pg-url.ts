// PostgreSQL URLs as the CLI meets them, without loading the driver: a command given a SQLite file never
// pays for importing pg.

/** A URL with its password replaced, fit for an error message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of ['password', 'sslpassword']) if (u.searchParams.has(k)) u.searchParams.set(k, '***');
    return hasPassword(url) ? u.toString() : url;
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@').replace(/(password=)[^&]*/gi, '$1***');
  }
}

/** True when the URL itself carries a password (user:password@ or ?password=). */
export function hasPassword(url: string): boolean {
  try {
    const u = new URL(url);
    return u.password !== '' || u.searchParams.has('password') || u.searchParams.has('sslpassword');
  } catch {
    return /\/\/[^:/@]*:[^@/]*@|[?&](ssl)?password=/i.test(url);
  }
}

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}
