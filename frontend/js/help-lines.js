// Crisis and domestic-abuse lines by country, for Get help. Numbers only: each line's name and what it
// is for are in the catalogues (help.line.<id>, help.for.<for>). Every number and site below was checked
// against public sources on the date in docs/help-resources.md; keep that file in step when one changes.
//
//   { id, for: "crisis" | "abuse", tel, call, sms?, smsWord?, url?, always? }
//   tel: what the phone dials (tel:), call: the number as people there write it, sms: a number that also
//   takes texts (smsWord: the word to send first), always: answered day and night.
// This module is loaded with Get help only (a lazy import), and the service worker precaches it.

export const COUNTRIES = {
  GB: {
    emergency: "999",
    lines: [
      {
        id: "gb_samaritans",
        for: "crisis",
        tel: "116123",
        call: "116 123",
        url: "https://www.samaritans.org",
        always: true,
      },
      {
        id: "gb_refuge",
        for: "abuse",
        tel: "08082000247",
        call: "0808 2000 247",
        url: "https://www.nationaldahelpline.org.uk",
        always: true,
      },
    ],
  },
  IE: {
    emergency: "112",
    lines: [
      {
        id: "ie_samaritans",
        for: "crisis",
        tel: "116123",
        call: "116 123",
        url: "https://www.samaritans.org",
        always: true,
      },
      {
        id: "ie_womens_aid",
        for: "abuse",
        tel: "1800341900",
        call: "1800 341 900",
        url: "https://www.womensaid.ie",
        always: true,
      },
    ],
  },
  US: {
    emergency: "911",
    lines: [
      {
        id: "us_988",
        for: "crisis",
        tel: "988",
        call: "988",
        sms: "988",
        url: "https://988lifeline.org",
        always: true,
      },
      {
        id: "us_hotline",
        for: "abuse",
        tel: "18007997233",
        call: "1-800-799-7233",
        sms: "88788",
        smsWord: "START",
        url: "https://www.thehotline.org",
        always: true,
      },
    ],
  },
  CA: {
    emergency: "911",
    lines: [
      { id: "ca_988", for: "crisis", tel: "988", call: "9-8-8", sms: "988", url: "https://988.ca", always: true },
    ],
  },
  AU: {
    emergency: "000",
    lines: [
      {
        id: "au_lifeline",
        for: "crisis",
        tel: "131114",
        call: "13 11 14",
        sms: "0477131114",
        always: true,
      },
      {
        id: "au_1800respect",
        for: "abuse",
        tel: "1800737732",
        call: "1800 737 732",
        sms: "0458737732",
        url: "https://www.1800respect.org.au",
        always: true,
      },
    ],
  },
  NZ: {
    emergency: "111",
    lines: [
      { id: "nz_1737", for: "crisis", tel: "1737", call: "1737", sms: "1737", always: true },
      {
        id: "nz_womens_refuge",
        for: "abuse",
        tel: "0800733843",
        call: "0800 733 843",
        url: "https://womensrefuge.org.nz",
        always: true,
      },
    ],
  },
  DE: {
    emergency: "112",
    lines: [
      {
        id: "de_telefonseelsorge",
        for: "crisis",
        tel: "08001110111",
        call: "0800 111 0 111",
        url: "https://www.telefonseelsorge.de",
        always: true,
      },
      {
        id: "de_hilfetelefon",
        for: "abuse",
        tel: "116016",
        call: "116 016",
        url: "https://www.hilfetelefon.de",
        always: true,
      },
    ],
  },
  FR: {
    emergency: "112",
    lines: [
      { id: "fr_3114", for: "crisis", tel: "3114", call: "3114", url: "https://3114.fr", always: true },
      {
        id: "fr_3919",
        for: "abuse",
        tel: "3919",
        call: "3919",
        url: "https://solidaritefemmes.org/appeler-le-3919/",
        always: true,
      },
    ],
  },
  ES: {
    emergency: "112",
    lines: [
      { id: "es_024", for: "crisis", tel: "024", call: "024", always: true },
      { id: "es_016", for: "abuse", tel: "016", call: "016", always: true },
    ],
  },
  RU: {
    emergency: "112",
    lines: [
      { id: "ru_trust", for: "crisis", tel: "88002000122", call: "8-800-2000-122" },
      { id: "ru_anna", for: "abuse", tel: "88007000600", call: "8-800-7000-600" },
    ],
  },
  IN: {
    emergency: "112",
    lines: [
      { id: "in_tele_manas", for: "crisis", tel: "14416", call: "14416", always: true },
      { id: "in_181", for: "abuse", tel: "181", call: "181", always: true },
    ],
  },
};

/** Anywhere else: a worldwide directory of helplines (and the local emergency number, said in words). */
export const DIRECTORY = "https://findahelpline.com";

/** The therapies' own directories, and what Get help says of each (help.directory.<id>). */
export const DIRECTORIES = [
  { id: "eft", url: "https://iceeft.com" },
  { id: "gottman", url: "https://www.gottman.com" },
  { id: "imago", url: "https://www.imagorelationships.org" },
];

// Where the phone is: common time zones of the countries above (a zone says where the phone is now,
// which is where a number must be callable).
const ZONES = {
  "Europe/London": "GB",
  "Europe/Belfast": "GB",
  "Europe/Dublin": "IE",
  "Europe/Berlin": "DE",
  "Europe/Paris": "FR",
  "Europe/Madrid": "ES",
  "Atlantic/Canary": "ES",
  "Africa/Ceuta": "ES",
  "Asia/Kolkata": "IN",
  "Asia/Calcutta": "IN",
  "Pacific/Auckland": "NZ",
  "Pacific/Chatham": "NZ",
  "Europe/Moscow": "RU",
  "Europe/Kaliningrad": "RU",
  "Europe/Samara": "RU",
  "Europe/Volgograd": "RU",
  "Asia/Yekaterinburg": "RU",
  "Asia/Omsk": "RU",
  "Asia/Novosibirsk": "RU",
  "Asia/Krasnoyarsk": "RU",
  "Asia/Irkutsk": "RU",
  "Asia/Yakutsk": "RU",
  "Asia/Vladivostok": "RU",
  "Asia/Magadan": "RU",
  "Asia/Kamchatka": "RU",
};
const ZONE_PREFIXES = [
  ["Australia/", "AU"],
  ["America/New_York", "US"],
  ["America/Chicago", "US"],
  ["America/Denver", "US"],
  ["America/Phoenix", "US"],
  ["America/Los_Angeles", "US"],
  ["America/Anchorage", "US"],
  ["America/Detroit", "US"],
  ["America/Indiana/", "US"],
  ["America/Kentucky/", "US"],
  ["Pacific/Honolulu", "US"],
  ["America/Toronto", "CA"],
  ["America/Vancouver", "CA"],
  ["America/Edmonton", "CA"],
  ["America/Winnipeg", "CA"],
  ["America/Halifax", "CA"],
  ["America/St_Johns", "CA"],
  ["America/Regina", "CA"],
  ["America/Montreal", "CA"],
  ["Canada/", "CA"],
];

/** The country of a time zone we know, else null. */
export function countryOfZone(zone) {
  if (!zone) return null;
  if (ZONES[zone]) return ZONES[zone];
  const hit = ZONE_PREFIXES.find(([prefix]) => zone === prefix || zone.startsWith(prefix));
  return hit ? hit[1] : null;
}

/** The first region subtag among the phone's languages (en-GB → GB) that we have lines for, else null. */
export function countryOfLanguages(tags) {
  for (const tag of tags || []) {
    try {
      const region = new Intl.Locale(String(tag)).region;
      if (region && COUNTRIES[region]) return region;
    } catch (_err) {
      /* a tag the browser cannot read: try the next */
    }
  }
  return null;
}

/** Where this phone most likely is: its time zone first, then its languages' region; null when neither. */
export function guessCountry(
  tags = typeof navigator === "undefined" ? [] : navigator.languages || [navigator.language],
  zone = Intl.DateTimeFormat().resolvedOptions().timeZone,
) {
  return countryOfZone(zone) || countryOfLanguages(tags);
}
