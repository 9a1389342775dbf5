// Describes the current document after a navigation: whether it finished loading, whether it
// is Firefox's network error page, and the HTTP status of the main document.
const nav = performance.getEntriesByType("navigation")[0];
const status = nav && typeof nav.responseStatus === "number" ? nav.responseStatus : 0;
return {
  readyState: document.readyState,
  uri: document.documentURI,
  title: document.title,
  status,
};
