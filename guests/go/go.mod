module zeroos.dev/go_demo

go 1.19
