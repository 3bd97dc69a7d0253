module github.com/m2mauth/m2mauth/bindings/go

go 1.22

require github.com/golang-jwt/jwt/v5 v5.3.1
