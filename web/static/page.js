// The caseworker's page: reads the form into a case (and a case into the form), asks the service for the answer
// and the letter draft, and shows them. Everything legal is on the server: this script only moves the case and
// inserts the HTML the service renders from its answer. Written for this page; no library, nothing fetched from
// elsewhere.
"use strict";

const form = document.getElementById("case");
const answer = document.getElementById("answer");
const letter = document.getElementById("letter");
const problems = document.getElementById("problems");
const makeLetter = document.getElementById("make-letter");
let previous = null; // the case of the answer on screen: the next answer shows what changed since it
let current = null;

// --- the form as a case, and a case into the form -----------------------------------------------------------

function listState(list) {
  return list.querySelector("[data-list-state]").value;
}

function setListState(list, known) {
  list.querySelector("[data-list-state]").value = known ? "known" : "";
  list.classList.toggle("known", known);
}

function read(input) {
  const value = input.value.trim();
  if (value === "") return undefined;
  switch (input.dataset.kind) {
    case "bool": return value === "true";
    case "number": return Number(value);
    case "json":
      try {
        return JSON.parse(value);
      } catch {
        throw new FormError(input, "Feltet inneholder ikke gyldig JSON.");
      }
    default: return value;
  }
}

class FormError extends Error {
  constructor(input, message) {
    super(message);
    this.input = input;
  }
}

function setPath(target, path, value) {
  const parts = path.split(".");
  let holder = target;
  parts.slice(0, -1).forEach((part, index) => {
    if (holder[part] === undefined) holder[part] = /^\d+$/.test(parts[index + 1]) ? [] : {};
    holder = holder[part];
  });
  holder[parts[parts.length - 1]] = value;
}

function prune(value) {
  // Drop the objects that stayed empty (an unknown group is left out, not sent as {}) and the holes a list of
  // codes gets from an empty entry; an entry of a list of objects stays, even empty (a child of unknown age).
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(prune);
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      value[key] = prune(item);
      const empty = value[key] && typeof value[key] === "object" && !Array.isArray(value[key]) &&
        Object.keys(value[key]).length === 0;
      if (empty && !(key.match(/^\d+$/))) delete value[key];
    }
  }
  return value;
}

function collect() {
  const found = {};
  for (const list of form.querySelectorAll("[data-list]")) {
    if (listState(list) !== "known") continue;
    setPath(found, list.dataset.list, []);
    list.querySelectorAll(":scope > .entries > [data-rows] > [data-row]").forEach((row, index) => {
      if (!row.querySelector("[data-rel='']")) setPath(found, `${list.dataset.list}.${index}`, {});
    });
  }
  for (const input of form.querySelectorAll("[data-kind]")) {
    const list = input.closest("[data-list]");
    if (list && listState(list) !== "known") continue;
    if (input.dataset.kind === "choice") {
      if (input.checked) setPath(found, `${input.name}.${foundLength(found, input.name)}`, input.value);
      continue;
    }
    const value = read(input);
    if (value !== undefined) setPath(found, input.name, value);
  }
  return prune(found);
}

function foundLength(found, path) {
  let holder = found;
  for (const part of path.split(".")) holder = holder[part];
  return holder.length;
}

function rowsOf(list) {
  return list.querySelector(":scope > .entries > [data-rows]");
}

function renumber(list) {
  // Each entry's inputs are named by their position: after one is removed the later ones move up.
  const path = list.dataset.list;
  const ident = path.replaceAll(".", "-");
  rowsOf(list).querySelectorAll(":scope > [data-row]").forEach((row, index) => {
    const old = row.dataset.index;
    row.dataset.index = String(index);
    row.querySelector("[data-row-title]").textContent = `${list.dataset.item} nr. ${index + 1}`;
    row.querySelector("[data-remove]").setAttribute("aria-label", `Fjern ${list.dataset.item.toLowerCase()} nr. ${index + 1}`);
    for (const element of row.querySelectorAll("[name], [id], [for], [aria-describedby]")) {
      for (const attribute of ["name", "id", "for", "aria-describedby"]) {
        const value = element.getAttribute(attribute);
        if (value === null) continue;
        element.setAttribute(attribute, value.replace(`${path}.${old}`, `${path}.${index}`)
          .replace(`f-${ident}-${old}`, `f-${ident}-${index}`));
      }
    }
  });
}

function addRow(list) {
  const template = list.querySelector(":scope > .entries > template");
  const index = rowsOf(list).children.length;
  const html = template.innerHTML.replaceAll("__i__", String(index));
  rowsOf(list).insertAdjacentHTML("beforeend", html);
  const row = rowsOf(list).lastElementChild;
  row.dataset.index = String(index);
  setListState(list, true);
  renumber(list);
  return row;
}

function clearForm() {
  for (const list of form.querySelectorAll("[data-list]")) {
    const rows = rowsOf(list);
    if (rows) rows.replaceChildren();
    setListState(list, false);
  }
  form.reset();
  clearMarks();
}

function fill(value, path, unplaced) {
  if (Array.isArray(value)) {
    const list = form.querySelector(`[data-list="${path.replace(/\.\d+(?=\.|$)/g, "")}"]`);
    if (!list) return unplaced.push(path);
    setListState(list, true);
    if (list.hasAttribute("data-choices")) {
      for (const code of value) {
        const box = [...list.querySelectorAll("input[type=checkbox]")].find((input) => input.value === code);
        if (box) box.checked = true; else unplaced.push(path);
      }
      return;
    }
    value.forEach((item, index) => {
      addRow(list);
      fill(item, `${path}.${index}`, unplaced);
    });
    return;
  }
  const input = path ? form.elements.namedItem(path) : null;
  if (value !== null && typeof value === "object" && !(input && input.dataset.kind === "json")) {
    for (const [key, item] of Object.entries(value)) fill(item, path ? `${path}.${key}` : key, unplaced);
    return;
  }
  if (!input || !input.dataset) return unplaced.push(path);
  input.value = input.dataset.kind === "json" ? JSON.stringify(value, null, 2) : String(value);
  if (input.value !== String(value) && input.dataset.kind !== "json") unplaced.push(path);
}

function load(data) {
  clearForm();
  const unplaced = [];
  fill(data, "", unplaced);
  if (unplaced.length) {
    showProblems("Noen opplysninger passer ikke i skjemaet:", unplaced.map((path) => ({label: path, message: ""})));
  }
  return unplaced.length === 0;
}

// --- talking to the service ----------------------------------------------------------------------------------

function headers() {
  const key = document.getElementById("api-key");
  const sent = {"Content-Type": "application/json"};
  if (key && key.value) sent["X-API-Key"] = key.value;
  return sent;
}

async function post(url, body) {
  const response = await fetch(url, {method: "POST", headers: headers(), body: JSON.stringify(body)});
  if (!response.ok) {
    let problem = {detail_nb: `Tjenesten svarte ${response.status}.`};
    try { problem = await response.json(); } catch { /* not a problem document: the status says it */ }
    throw problem;
  }
  return response;
}

function clearMarks() {
  for (const marked of form.querySelectorAll(".missing, .invalid")) marked.classList.remove("missing", "invalid");
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const badge of form.querySelectorAll(".badge")) badge.remove();
}

function mark(element, kind, text) {
  element.classList.add(kind);
  if (!element.querySelector(":scope > .badge")) {
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = text;
    element.prepend(badge);
  }
}

// A missing fact names a field of the case, or of a list entry (a need's: request.needs.0.part_of_living_costs),
// which has no fieldset of its own: then its input's field is marked, and the answer's link goes to the input.
function markMissing(item) {
  const path = item.dataset.missing;
  let field = form.querySelector(`[data-field="${path}"]`);
  let target = field;
  if (!field) {
    const input = form.elements.namedItem(path);
    if (!input || !input.closest) return;
    field = input.closest(".field");
    target = input;
  }
  mark(field, "missing", "Mangler");
  const link = item.querySelector("a");
  if (link && target.id) link.setAttribute("href", `#${target.id}`);
}

function showProblems(heading, items) {
  problems.replaceChildren();
  if (!heading) return;
  const title = document.createElement("p");
  title.textContent = heading;
  problems.append(title);
  if (items.length) {
    const list = document.createElement("ul");
    for (const item of items) {
      const entry = document.createElement("li");
      const target = item.path ? document.getElementById(`f-${item.path.replaceAll(".", "-")}`) : null;
      const text = item.message ? `${item.label}: ${item.message}` : item.label;
      if (target) {
        const link = document.createElement("a");
        link.href = `#${target.id}`;
        link.textContent = text;
        entry.append(link);
      } else {
        entry.textContent = text;
      }
      list.append(entry);
    }
    problems.append(list);
  }
}

function showProblem(problem) {
  // The page's bodies wrap the case ({"case": …}): a field's path in the form is the path after "case.".
  const errors = (problem.errors || []).map((error) => ({...error, path: error.path.replace(/^case\./, "")}));
  for (const error of errors) {
    const input = form.elements.namedItem(error.path);
    if (input && input.setAttribute) {
      input.setAttribute("aria-invalid", "true");
      mark(input.closest(".field") || input, "invalid", "Ugyldig");
    }
  }
  showProblems(problem.detail_nb || problem.detail || "Noe gikk galt.",
    errors.map((error) => ({path: error.path, label: error.label_nb || error.path, message: error.message_nb || error.message})));
}

async function evaluate() {
  clearMarks();
  showProblems(null, []);
  let found;
  try {
    found = collect();
  } catch (error) {
    if (!(error instanceof FormError)) throw error;
    error.input.setAttribute("aria-invalid", "true");
    return showProblems(error.message, []);
  }
  try {
    const response = await post("/page/answer", {case: found, previous});
    answer.innerHTML = await response.text();
  } catch (problem) {
    return showProblem(problem);
  }
  previous = found;
  current = found;
  makeLetter.disabled = false;
  letter.replaceChildren();
  for (const item of answer.querySelectorAll("[data-missing]")) markMissing(item);
  document.getElementById("answer-heading").focus();
}

function blanks() {
  const filled = {};
  for (const box of letter.querySelectorAll("[data-blank]")) if (box.value.trim()) filled[box.dataset.blank] = box.value;
  return filled;
}

async function draftLetter() {
  try {
    const response = await post("/page/letter", {case: current, blanks: blanks()});
    letter.innerHTML = await response.text();
    document.getElementById("letter-heading").focus();
  } catch (problem) {
    showProblem(problem);
  }
}

function save(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function downloadLetter(format, name) {
  try {
    const response = await post(`/v1/letters?format=${format}`, {case: current, blanks: blanks()});
    save(await response.blob(), name);
  } catch (problem) {
    showProblem(problem);
  }
}

// --- wiring ----------------------------------------------------------------------------------------------------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  evaluate();
});

form.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add]");
  const remove = event.target.closest("[data-remove]");
  if (add) {
    const row = addRow(add.closest("[data-list]"));
    row.querySelector("input, select, textarea").focus();
  } else if (remove) {
    const list = remove.closest("[data-list]");
    remove.closest("[data-row]").remove();
    renumber(list);
    list.querySelector("[data-add]").focus();
  }
});

form.addEventListener("change", (event) => {
  const state = event.target.closest("[data-list-state]");
  if (state) state.closest("[data-list]").classList.toggle("known", state.value === "known");
});

document.getElementById("load-scenario").addEventListener("click", async () => {
  const name = document.getElementById("scenario").value;
  const response = await fetch(`/page/examples/${encodeURIComponent(name)}`);
  previous = null; // a new case: nothing to compare with
  if (load(await response.json())) await evaluate();
});

document.getElementById("load-json").addEventListener("click", async () => {
  let data;
  try {
    data = JSON.parse(document.getElementById("paste").value);
  } catch {
    return showProblems("Teksten er ikke gyldig JSON.", []);
  }
  previous = null;
  if (data && data.case && data.expected) data = data.case; // an example file
  if (load(data)) await evaluate();
});

document.getElementById("download-json").addEventListener("click", () => {
  try {
    save(new Blob([JSON.stringify(collect(), null, 2)], {type: "application/json"}), "sak.json");
  } catch (error) {
    if (error instanceof FormError) showProblems(error.message, []); else throw error;
  }
});

makeLetter.addEventListener("click", draftLetter);

letter.addEventListener("click", (event) => {
  if (event.target.id === "update-letter") draftLetter();
  if (event.target.id === "download-pdf") downloadLetter("pdf", "utkast-til-vedtak.pdf");
  if (event.target.id === "download-text") downloadLetter("text", "utkast-til-vedtak.txt");
});
