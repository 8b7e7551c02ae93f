// The letter's print button: the browser's print dialog, where "Save as PDF" gives the file.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-letter");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
});
