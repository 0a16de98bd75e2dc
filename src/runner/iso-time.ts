const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z: past it (and before 1970) the ISO form changes; Date handles those. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

let lastMs = Number.NaN;
let lastText = '';
let lastSecond = Number.NaN;
let secondText = '';

/**
 * `new Date(ms).toISOString()`, computed from the number: the same text at a fraction of the cost
 * (Date's formatting is slow on Node 20, and every delivery writes three timestamps). Times before
 * 1970, after year 9999, or not finite go through Date, which formats (or rejects) them.
 *
 * The text up to the seconds is computed once per second and shared: each timestamp adds only its
 * milliseconds, so the thousand records a memory store keeps do not each hold a dozen string pieces.
 *
 * @internal
 */
export function isoTime(ms: number): string {
  if (ms === lastMs) return lastText;
  if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_YEAR_MS)) return new Date(ms).toISOString();
  const whole = Math.floor(ms);
  const second = Math.floor(whole / 1000);
  if (second !== lastSecond) {
    secondText = secondPrefix(second * 1000);
    lastSecond = second;
  }
  lastMs = ms;
  lastText = `${secondText}${three(whole - second * 1000)}Z`;
  return lastText;
}

/** `YYYY-MM-DDTHH:MM:SS.` of a whole second (epoch ms, from 1970 to 9999). */
function secondPrefix(whole: number): string {
  const days = Math.floor(whole / DAY_MS);
  let rest = whole - days * DAY_MS;
  // Days since 1970-01-01 to a civil date (proleptic Gregorian), as in H. Hinnant's algorithm.
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const text = `${year}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.`;
  // Built from a dozen pieces; reading a character makes V8 join them, once, into the one string
  // every timestamp of this second shares (other engines just read it).
  text.charCodeAt(0);
  return text;
}

/** The digit at `at` in `text`, or NaN. */
function digit(text: string, at: number): number {
  const value = text.charCodeAt(at) - 48;
  return value >= 0 && value <= 9 ? value : Number.NaN;
}

/** The two-digit number at `at` in `text`, or NaN. */
function twoDigits(text: string, at: number): number {
  return digit(text, at) * 10 + digit(text, at + 1);
}

/**
 * The epoch milliseconds of a timestamp written as {@link isoTime} (and `Date#toISOString`) write
 * them for years 0000 to 9999, `YYYY-MM-DDTHH:MM:SS.mmmZ`; NaN for any other text, including dates
 * that do not exist. Whenever it gives a number, `isoTime` of that number is `text` again.
 *
 * @internal
 */
export function isoMs(text: string): number {
  // The timestamp written last is the one most often read back.
  if (text === lastText) return lastMs;
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 || // .
    text.charCodeAt(23) !== 90 // Z
  ) {
    return Number.NaN;
  }
  // NaN, for a character that is not a digit, fails every range check below.
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hours = twoDigits(text, 11);
  const minutes = twoDigits(text, 14);
  const seconds = twoDigits(text, 17);
  const millis = twoDigits(text, 20) * 10 + digit(text, 22);
  if (
    !(year >= 0 && month >= 1 && month <= 12) ||
    !(day >= 1 && day <= daysInMonth(year, month)) ||
    !(hours <= 23 && minutes <= 59 && seconds <= 59 && millis >= 0)
  ) {
    return Number.NaN;
  }
  return (
    daysFromCivil(year, month, day) * DAY_MS +
    hours * 3_600_000 +
    minutes * 60_000 +
    seconds * 1000 +
    millis
  );
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** Days since 1970-01-01 of a civil date (proleptic Gregorian), as in H. Hinnant's algorithm. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
