/*
 * Tenon Shopify emulator — App Bridge stand-in, served at /cdn/app-bridge.js.
 *
 * Loaded by the app's documents (AppProvider renders <script src=… data-api-key=…>) and by the
 * bounce / exit-iframe pages of @shopify/shopify-app-remix. It implements the part of App Bridge
 * (v4, `window.shopify`) Tenon relies on, talking to the emulator's admin page (the parent frame,
 * another origin) over postMessage:
 *   - shopify.idToken(): a fresh session token, minted by the admin page;
 *   - fetch to the app's own origin carries `Authorization: Bearer <id token>`; a 401 with
 *     X-Shopify-Retry-Invalid-Session-Request is retried once with a new token, and
 *     X-Shopify-API-Request-Failure-Reauthorize-Url navigates the top window there;
 *   - shopify.toast.show / hide, shopify.loading(bool);
 *   - window.open(url, "_top" | "_parent") navigates the admin (top) window;
 *   - the bounce page: with `shopify-reload` in the URL, reload that URL with a new `id_token`;
 *   - <ui-nav-menu> links appear in the admin navigation; clicking one dispatches
 *     `shopify:navigate` on the link, which AppProvider turns into a Remix navigation;
 *   - the admin URL follows the app's path (history.pushState / replaceState / popstate).
 * Plain ES2020, no build step, no console errors.
 */
(function () {
  "use strict";
  if (window.shopify && window.shopify.__emulator) return; // loaded twice (bounce page + document)

  var script = document.currentScript;
  var meta = document.querySelector('meta[name="shopify-api-key"]');
  var apiKey = (script && script.getAttribute("data-api-key")) || (meta && meta.getAttribute("content")) || "";

  // shop/host come with the embedded URL; Remix client navigations drop them, so remember them
  // for this tab like App Bridge does.
  var STORAGE_KEY = "tenon-emulator-app-bridge:" + apiKey;
  var params = new URLSearchParams(window.location.search);
  var remembered = {};
  try {
    remembered = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "{}") || {};
  } catch {
    remembered = {};
  }
  var config = {
    apiKey: apiKey,
    shop: params.get("shop") || remembered.shop || "",
    host: params.get("host") || remembered.host || "",
    locale: params.get("locale") || remembered.locale || "en",
  };
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ shop: config.shop, host: config.host, locale: config.locale }));
  } catch {
    // storage may be unavailable in a partitioned iframe; the URL still carries shop/host
  }

  var embedded = window.top !== window.self;
  // The admin page's origin. Messages to it carry no secrets, so "*" is an acceptable fallback
  // where ancestorOrigins is missing (Firefox); tokens flow the other way, to our origin only.
  var adminOrigin = (window.location.ancestorOrigins && window.location.ancestorOrigins[0]) || "*";

  function post(message) {
    if (!embedded) return false;
    message.source = "tenon-app-bridge";
    window.parent.postMessage(message, adminOrigin);
    return true;
  }

  // --- Session tokens ---------------------------------------------------------------------
  var nextRequestId = 1;
  var pending = {};
  var cached = null; // { token, receivedAt } — reused briefly so parallel loader fetches share one
  var inflight = null;
  var TOKEN_REUSE_MS = 10000; // tokens live 60 s; the app allows 10 s of clock skew

  function requestIdToken() {
    return new Promise(function (resolve, reject) {
      if (!embedded) {
        reject(new Error("App Bridge: the app is not embedded in the admin, so there is no session token"));
        return;
      }
      var requestId = nextRequestId++;
      var timer = window.setTimeout(function () {
        delete pending[requestId];
        reject(new Error("App Bridge: the admin did not answer the session token request"));
      }, 10000);
      pending[requestId] = function (message) {
        window.clearTimeout(timer);
        delete pending[requestId];
        if (message.token) {
          cached = { token: message.token, receivedAt: Date.now() };
          resolve(message.token);
        } else {
          reject(new Error("App Bridge: " + (message.error || "no session token")));
        }
      };
      post({ type: "idToken", requestId: requestId });
    });
  }

  function idToken() {
    if (cached && Date.now() - cached.receivedAt < TOKEN_REUSE_MS) return Promise.resolve(cached.token);
    if (!inflight) {
      inflight = requestIdToken();
      var clear = function () {
        inflight = null;
      };
      inflight.then(clear, clear);
    }
    return inflight;
  }

  function freshIdToken() {
    cached = null;
    return idToken();
  }

  // --- Top-level navigation -----------------------------------------------------------------
  function navigateTop(url) {
    var absolute = new URL(String(url), window.location.href).href;
    if (!post({ type: "navigate", url: absolute })) window.location.assign(absolute);
  }

  var originalOpen = window.open;
  window.open = function (url, target, features) {
    var name = String(target || "").toLowerCase();
    // A cross-origin frame may not navigate the top window itself (Chromium blocks it without a
    // user gesture), so the admin does it — as with real App Bridge.
    if (embedded && url && (name === "_top" || name === "_parent")) {
      navigateTop(url);
      return null;
    }
    return originalOpen.call(window, url, target, features);
  };

  // --- fetch with the session token ---------------------------------------------------------
  var originalFetch = window.fetch;
  window.fetch = function (input, init) {
    var request;
    try {
      request = new Request(input, init);
    } catch {
      return originalFetch.call(window, input, init);
    }
    if (new URL(request.url).origin !== window.location.origin || !embedded) {
      return originalFetch.call(window, input, init);
    }
    var callerAuthorization = request.headers.has("Authorization");
    var retry = callerAuthorization ? null : request.clone();

    function send(req, token) {
      if (!token) return originalFetch.call(window, req);
      var headers = new Headers(req.headers);
      headers.set("Authorization", "Bearer " + token);
      return originalFetch.call(window, new Request(req, { headers: headers }));
    }

    var first = callerAuthorization ? send(request, null) : idToken().then(function (token) {
      return send(request, token);
    });
    return first
      .then(function (response) {
        if (retry && response.status === 401 && response.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1") {
          return freshIdToken().then(function (token) {
            return send(retry, token);
          });
        }
        return response;
      })
      .then(function (response) {
        var reauthorizeUrl = response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
        if (reauthorizeUrl) navigateTop(reauthorizeUrl);
        return response;
      });
  };

  // --- Toasts and loading ---------------------------------------------------------------------
  var nextToastId = 1;
  var toast = {
    show: function (message, options) {
      var id = "toast-" + nextToastId++;
      options = options || {};
      post({
        type: "toast",
        id: id,
        message: String(message),
        isError: Boolean(options.isError),
        duration: typeof options.duration === "number" ? options.duration : 5000,
      });
      return id;
    },
    hide: function (id) {
      post({ type: "toast:hide", id: String(id) });
    },
  };

  function loading(isLoading) {
    post({ type: "loading", isLoading: isLoading !== false });
  }

  // --- Admin URL follows the app's location ------------------------------------------------
  function reportLocation() {
    post({ type: "location", path: window.location.pathname, search: window.location.search, hash: window.location.hash });
  }
  ["pushState", "replaceState"].forEach(function (method) {
    var original = window.history[method];
    window.history[method] = function () {
      var result = original.apply(window.history, arguments);
      reportLocation();
      return result;
    };
  });
  window.addEventListener("popstate", reportLocation);

  // --- <ui-nav-menu> and <ui-title-bar> -------------------------------------------------------
  function defineHidden(name) {
    if (!window.customElements || window.customElements.get(name)) return;
    window.customElements.define(
      name,
      class extends HTMLElement {
        connectedCallback() {
          this.style.display = "none"; // rendered by the admin, not inside the app
        }
      },
    );
  }
  defineHidden("ui-nav-menu");
  defineHidden("ui-title-bar");

  var lastChrome = "";
  function reportChrome() {
    var menu = document.querySelector("ui-nav-menu");
    var items = [];
    if (menu) {
      menu.querySelectorAll("a").forEach(function (a) {
        if (a.getAttribute("rel") === "home") return;
        items.push({ label: (a.textContent || "").trim(), href: a.getAttribute("href") || "" });
      });
    }
    var titleBar = document.querySelector("ui-title-bar");
    var title = titleBar ? titleBar.getAttribute("title") || "" : "";
    var serialized = JSON.stringify({ items: items, title: title });
    if (serialized === lastChrome) return;
    lastChrome = serialized;
    post({ type: "chrome", navItems: items, title: title });
  }
  var chromeQueued = false;
  function queueChrome() {
    if (chromeQueued) return;
    chromeQueued = true;
    window.setTimeout(function () {
      chromeQueued = false;
      reportChrome();
    }, 50);
  }

  function navigateApp(href) {
    var links = document.querySelectorAll("ui-nav-menu a");
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute("href") === href) {
        links[i].dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
        return;
      }
    }
    window.location.assign(href);
  }

  // --- Messages from the admin ----------------------------------------------------------------
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.source !== "tenon-admin") return;
    var message = event.data;
    if (message.type === "idToken" && pending[message.requestId]) pending[message.requestId](message);
    if (message.type === "navigate-app" && typeof message.href === "string") navigateApp(message.href);
  });

  window.shopify = {
    __emulator: true,
    config: config,
    environment: { embedded: embedded, mobile: false, pos: false },
    idToken: idToken,
    toast: toast,
    loading: loading,
  };

  // --- Bounce page ----------------------------------------------------------------------------
  // @shopify/shopify-app-remix redirects document requests without a usable id_token to
  // /auth/session-token?…&shopify-reload=<url>; App Bridge gets a token and reloads <url> with it.
  var reload = params.get("shopify-reload");
  if (reload && embedded) {
    var target = new URL(reload, window.location.href);
    if (target.origin === window.location.origin) {
      freshIdToken().then(
        function (token) {
          target.searchParams.set("id_token", token);
          window.location.replace(target.href);
        },
        function (error) {
          console.warn(String(error && error.message ? error.message : error));
        },
      );
    } else {
      console.warn("App Bridge: refusing to reload a URL of another origin: " + target.origin);
    }
  }

  function start() {
    reportLocation();
    reportChrome();
    new MutationObserver(queueChrome).observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["href", "title"],
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
