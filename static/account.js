// Optional: greets a signed-in visitor by name and offers to log out, from the sidecar's
// readable hint cookie (a first name, not a credential), in the page's language (the
// account box's data-hello, data-log-out, data-home).
(() => {
  const hint = document.cookie.match(/(?:^|; )(?:__Host-)?kiln_name=([^;]+)/);
  const box = document.querySelector("[data-account]");
  if (!hint || !box) return;
  const say = box.dataset;
  const hello = document.createElement("span");
  hello.className = "account-hello";
  hello.textContent = say.hello.replace("{name}", decodeURIComponent(hint[1]));
  const form = document.createElement("form");
  form.method = "post";
  form.action = say.account + "/logout";
  const next = Object.assign(document.createElement("input"), { type: "hidden", name: "next", value: say.home });
  const out = Object.assign(document.createElement("button"), { type: "submit", className: "link-quiet", textContent: say.logOut });
  form.append(next, out);
  box.replaceChildren(hello, form);
})();
