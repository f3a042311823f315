// Progressive enhancement only: every page works without this file.
// Shows the times the server writes in UTC in the browser's own time zone.
(function () {
    "use strict";
    function localTimes(root) {
        var times = root.querySelectorAll("time[datetime]");
        for (var i = 0; i < times.length; i++) {
            var t = times[i];
            if (t.dataset.local === "1") {
                continue;
            }
            var d = new Date(t.getAttribute("datetime"));
            if (!isNaN(d.getTime())) {
                t.title = t.textContent;
                t.textContent = d.toLocaleString();
                t.dataset.local = "1";
            }
        }
    }
    document.addEventListener("DOMContentLoaded", function () { localTimes(document); });
    document.addEventListener("htmx:afterSwap", function (e) { localTimes(e.target); });
})();
