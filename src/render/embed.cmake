# cmake -DIN=flamegraph.js -DOUT=flamegraph_js.c -P embed.cmake
# Turns the script into a C array. The script goes inside a CDATA section,
# so it must not contain "]]>"; that would end the section early.
file(READ ${IN} text)
string(FIND "${text}" "]]>" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "${IN} contains ']]>', which would end the SVG's CDATA section")
endif()
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT}.tmp
  "/* Generated from flamegraph.js by embed.cmake: do not edit. */\n"
  "#include <stddef.h>\n"
  "extern const unsigned char fk_flamegraph_js[];\n"
  "extern const size_t fk_flamegraph_js_len;\n"
  "const unsigned char fk_flamegraph_js[] = {\n${bytes}0x00};\n"
  "const size_t fk_flamegraph_js_len = ${len};\n")
file(RENAME ${OUT}.tmp ${OUT})
