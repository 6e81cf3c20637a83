# Sourced by bin/swiftvr-local and bin/swiftvr-submit (and by UnicodeFileNameTest, which checks it).
# Java encodes file names with the charset of the locale it starts under (sun.jnu.encoding, fixed at start): under
# LANG=C or POSIX that is ASCII, and one file name with an accent or a CJK character stops the whole plan with
# "Malformed input or input contains unmappable characters". When the locale's charset is not UTF-8, run Java under
# C.UTF-8 (built into glibc since 2.35, shipped by Debian and Ubuntu before that). A UTF-8 locale is left as it is.
case "$(locale charmap 2>/dev/null)" in
  UTF-8 | utf8) ;;
  *) export LC_ALL=C.UTF-8 ;;
esac
