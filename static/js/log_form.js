// Log a departure: fill the name datalists from the admin's autocomplete JSON
// and offer the person's existing roles at the organization. Without this
// script the form still works: names are typed and matched on the server.
(function () {
  "use strict";
  const config = document.getElementById("log-form-config");
  if (!config) return;
  const form = config.closest("form");
  const field = (name) => form.elements.namedItem(name);

  function debounce(fn, wait) {
    let timer;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), wait);
    };
  }

  function fill(datalist, values) {
    datalist.replaceChildren(
      ...values.map((value) => {
        const option = document.createElement("option");
        option.value = value;
        return option;
      })
    );
  }

  async function getJSON(url) {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    return response.ok ? response.json() : null;
  }

  function autocomplete(input, url) {
    const datalist = document.getElementById(input.getAttribute("list"));
    input.addEventListener(
      "input",
      debounce(async () => {
        const term = input.value.trim();
        if (term.length < 2) return;
        const data = await getJSON(url + "&term=" + encodeURIComponent(term));
        if (data) fill(datalist, data.results.map((result) => result.text));
      }, 200)
    );
  }

  autocomplete(field("person"), config.dataset.personUrl);
  autocomplete(field("organization"), config.dataset.organizationUrl);
  autocomplete(field("destination"), config.dataset.destinationUrl);

  // The person's roles at the organization: offer their titles, and when one is
  // chosen show its seniority, function and founder flag (it is reused as is).
  let roles = [];
  const roleOptions = document.getElementById("role-options");

  async function loadRoles() {
    const person = field("person").value.trim();
    const organization = field("organization").value.trim();
    if (!person || !organization) return;
    const query = new URLSearchParams({ person, organization });
    const data = await getJSON(config.dataset.rolesUrl + "?" + query);
    roles = data ? data.roles : [];
    fill(roleOptions, roles.map((role) => role.title));
    applyRole();
  }

  function applyRole() {
    const title = field("role_title").value.trim().toLowerCase();
    const role = roles.find((r) => r.title.toLowerCase() === title);
    if (!role) return;
    field("seniority").value = role.seniority;
    field("function").value = role.function;
    field("is_founder").checked = role.is_founder;
  }

  field("person").addEventListener("change", loadRoles);
  field("organization").addEventListener("change", loadRoles);
  field("role_title").addEventListener("input", applyRole);
  loadRoles();
})();
