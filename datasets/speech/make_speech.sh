#!/bin/sh
# Regenerate the course's speech clips with espeak-ng (run once; the WAV files are committed).
#
#   apt-get install -y espeak-ng sox      # Debian/Ubuntu
#   sh datasets/speech/make_speech.sh
#
# Voice variants (+m3, +f2 ...) are applied to the base languages "en", "de" and "en-us":
# espeak-ng 1.51 ignores them on "en-gb", which would give two identical "male" clips.
# Each clip: espeak-ng speaks one sentence with one voice (22.05 kHz), sox converts it to
# 16 kHz mono 16-bit PCM and trims the silence espeak leaves at both ends. metadata.csv lists
# file, language, voice and text. The same sentences appear in English and German, each in a
# male and a female voice, so learners can ask whether an audio embedding groups clips by
# voice, by language or by what is said.
set -eu
cd "$(dirname "$0")"
command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meta="$tmp/metadata.csv"
echo "file,language,voice,text" > "$meta"

say() {  # say FILE LANGUAGE VOICE TEXT
    espeak-ng -v "$3" -s 150 -w "$tmp/raw.wav" "$4"
    sox "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$1" \
        silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0.05 0.05
    printf '%s,%s,%s,"%s"\n' "$1" "$2" "$3" "$4" >> "$meta"
}

say en_male_morning.wav   en en-us+m3 "Good morning, how are you today?"
say en_female_morning.wav en en-us+f3 "Good morning, how are you today?"
say en_male_fox.wav       en en+m3    "The quick brown fox jumps over the lazy dog."
say en_female_fox.wav     en en+f2    "The quick brown fox jumps over the lazy dog."
say en_female_numbers.wav en en-us+f3 "One, two, three, four, five."
say de_male_morning.wav   de de+m3    "Guten Morgen, wie geht es dir heute?"
say de_female_morning.wav de de+f3    "Guten Morgen, wie geht es dir heute?"
say de_male_fox.wav       de de+m3    "Der schnelle braune Fuchs springt über den faulen Hund."
say de_female_numbers.wav de de+f2    "Eins, zwei, drei, vier, fünf."

mv "$meta" metadata.csv
echo "made $(($(wc -l < metadata.csv) - 1)) clips with $(espeak-ng --version | cut -d: -f1)"
