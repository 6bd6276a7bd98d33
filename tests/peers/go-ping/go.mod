module flamekit.test/go-ping

go 1.19
