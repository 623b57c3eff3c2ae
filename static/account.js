// Optional: greets a signed-in visitor by name in the header and offers to log out. The sidecar
// sets a readable hint cookie (a first name, never a credential) beside its HttpOnly session
// cookies; without it, or without this script, the header offers to log in.
(() => {
  const hint = document.cookie.match(/(?:^|; )(?:__Host-)?kiln_name=([^;]+)/);
  const box = document.querySelector("[data-account]");
  if (!hint || !box) return;
  const hello = document.createElement("span");
  hello.className = "account-hello";
  hello.textContent = "Hi, " + decodeURIComponent(hint[1]);
  const form = document.createElement("form");
  form.method = "post";
  form.action = box.dataset.account + "/logout";
  const next = Object.assign(document.createElement("input"), { type: "hidden", name: "next", value: "/" });
  const out = Object.assign(document.createElement("button"), { type: "submit", className: "link-quiet", textContent: "Log out" });
  form.append(next, out);
  box.replaceChildren(hello, form);
})();
