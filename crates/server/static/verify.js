// A live camera scan for browsers that can read barcodes (the BarcodeDetector API): the text
// found goes into the form, which is then sent as if pasted. Elsewhere the page works as is:
// paste the text, or upload a photo (phones offer the camera for it).
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var field = document.getElementById("camera-field");
  var start = document.getElementById("camera-start");
  var video = document.getElementById("camera-view");
  var form = document.getElementById("verify-form");
  var text = document.getElementById("text");
  field.hidden = false;
  start.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () {
          var timer = setInterval(function () {
            detector.detect(video).then(function (codes) {
              if (!codes.length) return;
              clearInterval(timer);
              stream.getTracks().forEach(function (t) { t.stop(); });
              text.value = codes[0].rawValue;
              form.submit();
            });
          }, 250);
        });
      })
      .catch(function () {
        field.hidden = true;
      });
  });
})();
