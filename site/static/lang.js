// The language picker: go straight to the language chosen before, and
// remember the one picked now. Without JavaScript the links still work.
(function () {
  var key = "lead.lang";
  try {
    var saved = localStorage.getItem(key);
    if (saved === "en" || saved === "es") {
      location.replace("/" + saved + "/");
      return;
    }
  } catch (e) {}
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[hreflang]");
    if (!link) return;
    try {
      localStorage.setItem(key, link.getAttribute("hreflang"));
    } catch (e) {}
  });
})();
