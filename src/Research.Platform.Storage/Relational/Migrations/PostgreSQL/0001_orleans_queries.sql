-- The Orleans ADO.NET providers read their SQL from this table at start-up, by query key.
-- Written for this project to the providers' contract (keys, parameter names, result columns);
-- the Orleans NuGet packages do not ship these scripts.
CREATE TABLE orleansquery
(
    querykey  varchar(64)   NOT NULL PRIMARY KEY,
    querytext varchar(8000) NOT NULL
);
