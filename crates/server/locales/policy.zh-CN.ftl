# 政策引擎的规则、理由与标签（规则标识见 policies/README.md）。
