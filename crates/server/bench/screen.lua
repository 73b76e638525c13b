-- wrk -t2 -c32 -d20s -s screen.lua http://127.0.0.1:8080  (TOKEN=cpk_… in the environment)
-- Cycles through names: exact list names, misspellings, other scripts, and clear names.
local names = {
  "Banco Nacional de Cuba", "Huawei Technologies", "Rosoboronexport", "Islamic Revolutionary Guard Corps",
  "Mahan Air", "Kim Jong Un", "Aeroflot", "Shenzhen Photonics Trading", "Acme Widgets GmbH",
  "Sberbank Rossii", "Ali Hassan", "Tornado Cash", "Bank Melli Iran", "Ivanov Ivan Ivanovich",
  "Гэндальф Серый", "北京大学", "Siemens Energy", "John Smith", "Lukoil", "Hezbollah",
}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.path = os.getenv("SCREEN_PATH") or "/v1/screen"  -- e.g. SCREEN_PATH="/v1/screen?detail=full"

request = function()
  i = i + 1
  local body = string.format('{"name":"%s"}', names[(i % #names) + 1])
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors(status) %d, connect %d, read %d, write %d, timeout %d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
