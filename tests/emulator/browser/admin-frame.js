/*
 * Tenon Shopify emulator — the admin page's side of App Bridge, served at
 * /_emulator/assets/admin-frame.js and loaded by the admin frame page (admin-pages.ts).
 *
 * Answers the app frame's postMessage requests (see app-bridge.js): mints session tokens through
 * the emulator's same-origin endpoint, shows toasts and the loading bar, navigates the top
 * window, renders the app's <ui-nav-menu> links, and keeps the admin URL in step with the app's
 * path so a reload lands on the same page.
 */
(function () {
  "use strict";
  // Loaded synchronously in <head>, before the app frame exists, so that no message from a fast
  // app is missed; elements are therefore looked up when needed.
  var config = JSON.parse(document.getElementById("tenon-admin-config").textContent);
  var byId = function (id) {
    return document.getElementById(id);
  };
  var appFrame = function () {
    return document.querySelector('iframe[name="app-iframe"]');
  };
  var toastTimers = {};

  function mintToken() {
    return fetch(config.sessionTokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new Error("session token endpoint answered HTTP " + response.status);
      return response.json().then(function (body) {
        return body.token;
      });
    });
  }

  /** Shopify URLs the app may send the admin to, mapped onto this emulator. */
  function toEmulatorUrl(url) {
    var target = new URL(url, window.location.href);
    if (target.origin === window.location.origin) return target.href;
    if (target.hostname === "admin.shopify.com") {
      return window.location.origin + target.pathname + target.search + target.hash;
    }
    if (/\.myshopify\.com$/.test(target.hostname)) {
      return window.location.origin + "/shops/" + target.hostname + target.pathname + target.search + target.hash;
    }
    return target.href;
  }

  function showToast(message) {
    var element = document.createElement("div");
    element.setAttribute("role", "status");
    element.setAttribute("data-testid", "admin-toast");
    element.className = message.isError ? "toast toast-error" : "toast";
    element.textContent = message.message;
    element.dataset.toastId = message.id;
    byId("admin-toasts").appendChild(element);
    toastTimers[message.id] = window.setTimeout(function () {
      hideToast(message.id);
    }, message.duration > 0 ? message.duration : 5000);
  }

  function hideToast(id) {
    window.clearTimeout(toastTimers[id]);
    delete toastTimers[id];
    var element = byId("admin-toasts").querySelector('[data-toast-id="' + CSS.escape(id) + '"]');
    if (element) element.remove();
  }

  /** /app/products?x=1 in the frame → /store/{shop}/apps/{apiKey}/products?x=1 in the admin. */
  function followAppLocation(message) {
    var base = config.appBasePath;
    if (message.path !== base && message.path.indexOf(base + "/") !== 0) return;
    var sub = message.path.slice(base.length);
    var search = new URLSearchParams(message.search || "");
    config.embeddedParams.forEach(function (name) {
      search.delete(name);
    });
    var query = search.toString();
    var adminPath = config.adminBasePath + sub + (query ? "?" + query : "") + (message.hash || "");
    if (adminPath !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", adminPath);
    }
  }

  function renderChrome(message) {
    byId("admin-title").textContent = message.title || config.appName;
    var nav = byId("admin-app-nav");
    nav.replaceChildren();
    message.navItems.forEach(function (item) {
      var link = document.createElement("a");
      link.href = "#";
      link.textContent = item.label;
      link.setAttribute("data-testid", "admin-app-nav-link");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var frame = appFrame();
        if (frame && frame.contentWindow && lastAppOrigin) {
          frame.contentWindow.postMessage({ source: "tenon-admin", type: "navigate-app", href: item.href }, lastAppOrigin);
        }
      });
      var entry = document.createElement("li");
      entry.appendChild(link);
      nav.appendChild(entry);
    });
  }

  var lastAppOrigin = null;
  window.addEventListener("message", function (event) {
    var frame = appFrame();
    if (!frame || event.source !== frame.contentWindow) return;
    if (event.origin !== config.appOrigin) return;
    var message = event.data;
    if (!message || message.source !== "tenon-app-bridge") return;
    lastAppOrigin = event.origin;
    var reply = function (data) {
      data.source = "tenon-admin";
      event.source.postMessage(data, event.origin);
    };
    switch (message.type) {
      case "idToken":
        mintToken().then(
          function (token) {
            reply({ type: "idToken", requestId: message.requestId, token: token });
          },
          function (error) {
            reply({ type: "idToken", requestId: message.requestId, error: String(error.message || error) });
          },
        );
        break;
      case "toast":
        showToast(message);
        break;
      case "toast:hide":
        hideToast(message.id);
        break;
      case "loading":
        byId("admin-loading").hidden = !message.isLoading;
        break;
      case "navigate": {
        var destination = toEmulatorUrl(message.url);
        if (/^https?:/.test(destination)) window.location.assign(destination);
        break;
      }
      case "location":
        followAppLocation(message);
        break;
      case "chrome":
        renderChrome(message);
        break;
    }
  });
})();
