// Test category of this assembly (README: the unit loop runs Category=Unit; test.sh runs everything).
// Integration: real processes, clusters, PostgreSQL or files at scale; classes may add Slow or Browser.
[assembly: Trait("Category", "Integration")]
