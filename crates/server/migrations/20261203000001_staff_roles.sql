-- Staff roles (docs/policy.md, "Who performs each step"): a comma-separated list
-- of aftersales_rules::StaffRole ids, read into that type. Accounts made before
-- roles existed could do everything, and keep every role.
ALTER TABLE staff ADD COLUMN roles TEXT NOT NULL
    DEFAULT 'front_desk,service_centre,technician,store_manager,operations_head,general_manager,finance,admin';
-- A disabled account cannot sign in; its sessions end when it is disabled.
ALTER TABLE staff ADD COLUMN disabled_at BIGINT;
