// The card's QR code: counts down and, ten seconds before the code expires, fetches a new one,
// so that the holder always shows a code an officer can scan. Without this script the page
// reloads itself instead (see card.html).
(function () {
  "use strict";
  var fig = document.getElementById("card-qr");
  if (!fig) return;
  var code = document.getElementById("card-qr-code");
  var caption = document.getElementById("card-qr-caption");
  var template = caption.textContent;
  var shownSeconds = template.match(/\d+/);
  var expires = Date.parse(fig.dataset.expires);
  var fetching = false;

  function show(seconds) {
    caption.textContent = shownSeconds
      ? template.replace(shownSeconds[0], String(seconds))
      : template;
  }

  function refresh() {
    if (fetching) return;
    fetching = true;
    fetch("/api/v1/card/qr?profile=" + encodeURIComponent(fig.dataset.profile), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      })
      .then(function (q) {
        code.innerHTML = q.svg;
        expires = Date.parse(q.expires_at);
        fig.dataset.expires = q.expires_at;
      })
      .catch(function () {
        // Try again on the next tick; past expiry the code is hidden, not left to fail a scan.
      })
      .then(function () {
        fetching = false;
      });
  }

  setInterval(function () {
    var left = Math.round((expires - Date.now()) / 1000);
    if (left <= 10) refresh();
    if (left <= 0) {
      code.style.visibility = "hidden";
      caption.textContent = fig.dataset.expiredText;
    } else {
      code.style.visibility = "visible";
      show(left);
    }
  }, 1000);
})();
