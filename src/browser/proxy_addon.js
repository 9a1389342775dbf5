// Background script of the proxy credentials add-on. `PROXY` ({type, host, port, username,
// password}) is prepended by point-break when it builds the add-on.

// Route every request through the proxy. SOCKS credentials travel with the route; SOCKS also
// resolves host names at the proxy, as the prefs-only setup does.
browser.proxy.onRequest.addListener(
  () => {
    const route = { type: PROXY.type, host: PROXY.host, port: PROXY.port };
    if (PROXY.type === "socks") {
      route.proxyDNS = true;
      route.username = PROXY.username;
      route.password = PROXY.password;
    }
    return route;
  },
  { urls: ["<all_urls>"] },
);

// HTTP(S) proxies ask with a 407; answer once per request, and never to a site's own 401.
const answered = new Set();
browser.webRequest.onAuthRequired.addListener(
  (details) => {
    if (!details.isProxy || answered.has(details.requestId)) {
      return {};
    }
    answered.add(details.requestId);
    return { authCredentials: { username: PROXY.username, password: PROXY.password } };
  },
  { urls: ["<all_urls>"] },
  ["blocking"],
);
const forget = (details) => answered.delete(details.requestId);
browser.webRequest.onCompleted.addListener(forget, { urls: ["<all_urls>"] });
browser.webRequest.onErrorOccurred.addListener(forget, { urls: ["<all_urls>"] });
