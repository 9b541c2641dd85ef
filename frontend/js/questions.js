// The daily question: our own words, one per local day, each with a stable id.
export const QUESTIONS = [
  ["q-best-moment", "What was the best moment of your day, even a tiny one?"],
  ["q-weighing", "Is anything sitting heavy with you this week?"],
  ["q-us-lately", "How do we feel to you lately, honestly?"],
  ["q-felt-loved", "When did you last feel really looked after by me?"],
  ["q-small-wish", "What small thing could I do tomorrow that would make your day easier?"],
  ["q-proud", "What is something you did recently that you're quietly proud of?"],
  ["q-first-noticed", "What is one thing you noticed about me when we first met?"],
  ["q-recharge", "What recharges you when you're running on empty?"],
  ["q-worry-future", "What is one thing about the next year that you're unsure about?"],
  ["q-childhood-comfort", "What comforted you as a child when you were upset?"],
  ["q-laugh", "When did we last laugh so hard it hurt?"],
  ["q-unsaid", "Is there something you have wanted to tell me but haven't found the moment for?"],
  ["q-ideal-sunday", "Describe a slow Sunday you would love us to have."],
  ["q-new-thing", "What is something new you'd like us to try together?"],
  ["q-feel-close", "What makes you feel close to me without words?"],
  ["q-hard-ask", "What is hard for you to ask me for?"],
  ["q-stress-signs", "How can I tell you're stressed before you say so?"],
  ["q-gratitude-person", "Who outside of us are you grateful for right now, and why?"],
  ["q-dream-small", "What is a small dream you haven't said out loud yet?"],
  ["q-repair", "After we disagree, what helps you feel okay again?"],
  ["q-tradition", "Which of our little habits would you never want to lose?"],
  ["q-energy", "What gave you energy today, and what drained it?"],
  ["q-listen", "What do you wish I understood better about your work or days?"],
  ["q-home", "What makes a place feel like home to you?"],
  ["q-kindness", "What was the kindest thing someone did for you this month?"],
  ["q-change-mind", "What is something you've changed your mind about in the past few years?"],
  ["q-season", "What season of life do you feel you're in right now?"],
  ["q-needs-today", "What do you need more of this week: rest, fun, help, or closeness?"],
  ["q-memory", "Which shared memory do you return to when you miss me?"],
  ["q-growth", "Where have you seen us grow as a couple?"],
  ["q-fear-small", "What is a small fear you carry that I might not know about?"],
  ["q-appreciate-unseen", "What do you do for us that you think goes unnoticed?"],
  ["q-perfect-evening", "What would tonight look like if it went perfectly?"],
  ["q-family", "What did your family do well that you'd like to keep?"],
  ["q-cheer", "What is the best way for me to cheer you on?"],
];

/** The question for a local date (YYYY-MM-DD): same for both partners, changes daily. */
export function questionFor(localDate) {
  const day = Math.floor(Date.parse(`${localDate}T00:00:00Z`) / 86400000);
  const [id, text] = QUESTIONS[((day % QUESTIONS.length) + QUESTIONS.length) % QUESTIONS.length];
  return { id, text };
}

export function questionText(id) {
  const found = QUESTIONS.find(([qid]) => qid === id);
  return found ? found[1] : "A question from an earlier day";
}
