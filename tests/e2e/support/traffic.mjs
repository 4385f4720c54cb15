// Watches every request a page makes, to tell where a secret went.

/// Starts recording the page's requests: URL, method, headers and body of each.
export function watchRequests(page) {
  const seen = [];
  page.on('request', (request) => {
    seen.push({
      url: request.url(),
      method: request.method(),
      headers: request.headers(),
      body: request.postData() ?? '',
    });
  });
  return seen;
}

/// Whether `request` carries `secret` anywhere: in its URL (raw or percent-encoded), a
/// header value (raw, or inside a Basic credential's base64), or its body.
export function carriesSecret(request, secret) {
  const texts = [request.url, safeDecode(request.url), request.body, safeDecode(request.body)];
  for (const value of Object.values(request.headers)) {
    texts.push(value);
    const basic = /^\s*basic\s+(\S+)/i.exec(value);
    if (basic) texts.push(Buffer.from(basic[1], 'base64').toString('utf8'));
  }
  return texts.some((text) => text.includes(secret));
}

/// The hostnames that received the secret, each once.
export function hostsGivenSecret(requests, secret) {
  return [...new Set(requests.filter((r) => carriesSecret(r, secret)).map((r) => new URL(r.url).hostname))];
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
