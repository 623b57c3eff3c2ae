// Optional: the episode player's speed buttons and remembered position, and in-place playback
// for the Play links of episode lists. Without this script every player plays and every Play
// link opens its episode's player. Its words come from the page, in the page's language: the
// speed buttons the episode page writes, and each Play link's own label and data-pause.
(() => {
  const spot = (audio) => "ember:position:" + audio.src;
  for (const audio of document.querySelectorAll(".player audio")) {
    const saved = Number(localStorage.getItem(spot(audio)));
    audio.addEventListener("loadedmetadata", () => {
      if (saved > 0 && saved < audio.duration - 5) audio.currentTime = saved;
    }, { once: true });
    let last = 0;
    audio.addEventListener("timeupdate", () => {
      if (Math.abs(audio.currentTime - last) < 5) return;
      last = audio.currentTime;
      localStorage.setItem(spot(audio), String(Math.floor(last)));
    });
    audio.addEventListener("ended", () => localStorage.removeItem(spot(audio)));
    const speeds = audio.closest(".player").querySelector(".player__speeds");
    for (const button of speeds ? speeds.querySelectorAll("button[data-rate]") : []) {
      button.addEventListener("click", () => {
        audio.playbackRate = Number(button.dataset.rate);
        for (const other of speeds.children) other.setAttribute("aria-pressed", String(other === button));
      });
    }
  }

  // One episode plays at a time; its link turns into a pause button while it does.
  let playing = null;
  let link = null;
  const show = (target, paused) => {
    target.classList.toggle("is-playing", !paused);
    const label = target.querySelector(".play__label");
    label.dataset.play = label.dataset.play || label.textContent;
    label.textContent = paused ? label.dataset.play : target.dataset.pause || "Pause";
  };
  document.addEventListener("click", (event) => {
    const clicked = event.target.closest("a[data-audio]");
    if (!clicked) return;
    event.preventDefault();
    if (clicked !== link) {
      if (playing) { playing.pause(); show(link, true); }
      playing = new Audio(clicked.dataset.audio);
      link = clicked;
      playing.addEventListener("ended", () => show(clicked, true));
    }
    if (playing.paused) playing.play(); else playing.pause();
    show(link, playing.paused);
  });
})();
