// Dates as the person lives them: in their time zone (the account's, else the phone's).
export const phoneZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export function localDate(zone, when = new Date()) {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone || phoneZone(), year: "numeric", month: "2-digit", day: "2-digit" }).format(when);
  } catch (err) {
    return new Intl.DateTimeFormat("en-CA").format(when);
  }
}

export function ago(iso, now = Date.now()) {
  const seconds = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86400);
  if (days === 1) return "yesterday";
  if (days < 7) return `${days} days ago`;
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

export const daysAgo = (iso, now = Date.now()) => (now - new Date(iso).getTime()) / 86400000;

export function greeting(now = new Date()) {
  const hour = now.getHours();
  if (hour < 5) return "Still up";
  if (hour < 12) return "Good morning";
  if (hour < 18) return "Good afternoon";
  return "Good evening";
}
