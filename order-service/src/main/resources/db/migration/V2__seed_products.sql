INSERT INTO products (sku, name, kind, price_fen, days, active) VALUES
    ('COURSE-AI-101', 'AI 入门课', 'COURSE', 9900, NULL, TRUE),
    ('COURSE-PROMPT', '提示词工程实战', 'COURSE', 19900, NULL, TRUE),
    ('MEMBER-MONTH', '月度会员', 'MEMBERSHIP', 2900, 30, TRUE),
    ('MEMBER-YEAR', '年度会员', 'MEMBERSHIP', 19900, 365, TRUE);
