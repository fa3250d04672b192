module github.com/unkai-cloud/unkai

go 1.26
