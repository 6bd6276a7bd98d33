# The examples in docs/*.md are run and their output compared.
file(GLOB FK_DOC_PAGES ${CMAKE_SOURCE_DIR}/docs/*.md)
fk_shell_test(docs_examples ${FK_INTEGRATION_DIR}/docs_examples.sh ${FK_DOC_PAGES})
