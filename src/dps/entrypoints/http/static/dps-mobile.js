/* DPS mobile activity entry (M1, /m/activities/new), on top of dps.js's lookups:
   - choosing an opportunity fills 案件を更新 (stage, certainty, expected date and amount) with its current
     values and remembers the version they were read at (the save is refused if it changed since), and
     fills the account when none is chosen yet;
   - choosing another account clears the opportunity (it belongs to the previous account).
   Without this file the form still works: the server reads the opportunity's current version. */
(function () {
  "use strict";

  function field(form, name) { return form.querySelector('[name="' + name + '"]'); }
  function hidden(form, name) { return form.querySelector('input[type=hidden][name="' + name + '"]'); }
  function set(el, value) { if (el) { el.value = value === undefined || value === null ? "" : String(value); } }

  document.addEventListener("dps:chosen", function (event) {
    var box = event.target;
    var form = box.closest && box.closest("form[data-activity-entry]");
    if (!form) { return; }
    var item = event.detail || {};
    var name = box.getAttribute("data-name");
    if (name === "opportunity_id") {
      set(field(form, "opportunity_update.stage_code"), item.stage_code);
      set(field(form, "opportunity_update.certainty_code"), item.certainty_code);
      set(field(form, "opportunity_update.expected_order_date"), item.expected_order_date);
      set(field(form, "opportunity_update.expected_amount"), item.expected_amount);
      set(hidden(form, "opportunity_update.expected_version"), item.version);
      var account = hidden(form, "account_id");
      if (account && !account.value && item.account_id) {
        account.value = item.account_id;
        set(field(form, "account_id_label"), item.detail);
        form.setAttribute("data-account", item.account_id);
      }
    } else if (name === "account_id") {
      if (form.getAttribute("data-account") !== item.id) {
        set(hidden(form, "opportunity_id"), "");
        set(field(form, "opportunity_id_label"), "");
        set(hidden(form, "opportunity_update.expected_version"), "");
      }
      form.setAttribute("data-account", item.id || "");
    }
  });
})();
