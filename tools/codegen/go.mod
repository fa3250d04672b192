module github.com/unkai-cloud/unkai/tools/codegen

go 1.26
