// One line for each family and feeling in feelings.js, in our own words, for the "name it" helper.
// The lines live in the catalogue (feelings.family_hint.<family>, feelings.about.<feeling>).
import { t } from "./i18n.js";
import { feelingKey } from "./feelings.js";

export const familyHint = (family) => t(`feelings.family_hint.${family}`);

export const aboutFeeling = (feeling) => t(`feelings.about.${feelingKey(feeling)}`);
