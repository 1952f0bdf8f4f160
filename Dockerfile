# Multi-stage build of the two platform images:
#   docker build --target silo    -t research-silo .
#   docker build --target console -t research-console .
# Both listen on 8080 for HTTP (/health); the silo also uses 11111 (silo-to-silo) and 30000 (gateway).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig Research.sln ./
COPY src/ src/
COPY grains/ grains/
COPY silo/ silo/
COPY console/ console/
RUN dotnet publish silo/Research.Silo/Research.Silo.csproj -c Release -o /out/silo --nologo \
 && dotnet publish console/Research.Console/Research.Console.csproj -c Release -o /out/console --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_gcServer=1 \
    Research__Logging__Format=json
USER app

FROM runtime AS silo
WORKDIR /app
COPY --from=build /out/silo .
ENV Research__DataRoot=/data
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "Research.Silo.dll"]

FROM runtime AS console
WORKDIR /app
COPY --from=build /out/console .
EXPOSE 8080
ENTRYPOINT ["dotnet", "Research.Console.dll"]
