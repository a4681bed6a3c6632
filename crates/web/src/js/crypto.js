// Web Crypto (W3C Web Cryptography API): crypto, Crypto, SubtleCrypto, CryptoKey.
