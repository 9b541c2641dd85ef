// Get help: what three well-known couples therapies are, how to find a therapist, and urgent safety.
import { h, section } from "../ui.js";

const THERAPIES = [
  ["Emotionally Focused Therapy (EFT)",
    "Developed by Sue Johnson and Les Greenberg in the 1980s and built on attachment research. It sees many fights as a cycle the two of you get caught in, often one reaching out and the other pulling back. The therapist helps you notice that cycle, name the feelings and needs underneath it, and respond to each other in ways that feel safer. It is usually short-term, often around 8 to 20 sessions."],
  ["The Gottman Method",
    "Developed by John and Julie Gottman from decades of observing couples. It usually starts with a detailed assessment, then works on friendship and fondness, handling conflict gently, and building shared meaning. Expect practical skills and exercises to try at home, such as softer ways to start a hard topic and ways to repair after an argument."],
  ["Imago Relationship Therapy",
    "Developed by Harville Hendrix and Helen LaKelly Hunt. It suggests that our choice of partner and our sore spots are shaped by early experiences. Its core tool is a structured dialogue: one partner speaks, the other mirrors back what they heard, checks they understood, and acknowledges the feeling, then you swap."],
];

const LOOK_FOR = [
  "A licensed professional (for example a psychologist, a marriage and family therapist, or a clinical counsellor) with specific training in couples work.",
  "Someone you both feel comfortable with; it's fine to have a first session and then try someone else.",
  "Clear information about fees, session length, cancellations and whether they see couples online.",
];
const ASK = [
  "How much of your work is with couples, and what approach do you use?",
  "What does a typical first few sessions look like?",
  "How do you handle it if one of us wants to talk to you alone?",
  "How will we know whether it's helping?",
];
const FIND = "Most countries have a national register of licensed psychologists or counsellors, and the professional associations for couple and family therapy, and for EFT, Gottman and Imago, keep searchable lists of certified therapists. Your doctor, your health insurer or a local health service can also refer you; many employers offer a few free sessions through an employee assistance programme.";

export function mount(root) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, "Get help"),
    h("p", {}, "Asking for help from outside is a strong move, not a failure. Here's a short guide.")),
  h("section", { class: "card urgent", "aria-labelledby": "safety-title" },
    h("h2", { id: "safety-title" }, "If you're not safe"),
    h("p", {}, "If you are in danger right now, call your local emergency number."),
    h("p", {}, "If your partner hurts, threatens, controls or frightens you, you deserve support. A domestic abuse helpline can listen, help you think through your options and make a safety plan, confidentially. Search for the domestic abuse or family violence helpline in your country; many are free and open day and night."),
    h("p", {}, "A safety plan covers things like a safe place to go, someone you can call, a code word, and keeping important documents, money and a phone where you can reach them quickly."),
    h("p", {}, "Couples therapy isn't recommended while abuse is happening: it can put the person being harmed at more risk. Individual support comes first."),
    h("p", { class: "small muted" }, "If your partner may read this phone, be careful with what you keep on it.")),
  section("Three common approaches to couples therapy", h("dl", { class: "help-list" },
    THERAPIES.flatMap(([name, text]) => [h("dt", {}, name), h("dd", {}, text)]))),
  section("Finding a therapist", h("p", {}, FIND),
    h("h3", {}, "What to look for"), h("ul", {}, LOOK_FOR.map((t) => h("li", {}, t))),
    h("h3", {}, "Questions to ask in a first call"), h("ul", {}, ASK.map((t) => h("li", {}, t)))),
  h("p", { class: "small muted" }, "Hearth is a tool for everyday habits. It isn't therapy and can't replace it."));
}
